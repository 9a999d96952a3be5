package io.eraft.cli.dashboard;

import io.eraft.cli.Cli;
import io.eraft.cli.ClientFlags;
import io.eraft.cli.DurationConverter;
import io.eraft.cli.Usage;
import io.eraft.cli.ctrler.ShardCtrlerCommand;
import io.eraft.cli.logs.Logging;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dashboard}: eRaft's web dashboard of a sharded cluster (its {@code dashboard/backend} and
 * page), with eRaft's flags ({@code -port}, {@code -config-addrs}, {@code -update-interval}) and
 * JSON API. Runs until SIGTERM/SIGINT. Unlike eRaft, it writes nothing to the controllers' log, the
 * page is served from the jar (no build step, no CDN), and {@code -config-addrs} defaults to the
 * controllers every other client defaults to (eRaft requires it).
 */
@Command(name = "dashboard", sortOptions = false, usageHelpAutoWidth = true,
    description = "Serves eRaft's dashboard of a sharded cluster: totals, the controllers and every group's servers"
        + " (role, leader, health), and the shard table; a page at / and JSON at /api/dashboard, /api/topology"
        + " and /api/metrics.%nFlags may be written Go style (-port 8080) or with two dashes (--port 8080).",
    footer = {"", "Exit status: 0 after a clean stop (SIGTERM/SIGINT); 1 if the port cannot be bound; 2 for a"
        + " usage error.",
        "", "Example: dashboard -port 8080 -config-addrs 127.0.0.1:50051,127.0.0.1:50052,127.0.0.1:50053"})
public final class DashboardCommand implements Callable<Integer> {
  /**
   * How long {@code /api/dashboard} waits for the first look at the cluster, which in a JVM just
   * started may take some seconds; within the page's own 10 s limit (eRaft's).
   */
  private static final Duration FIRST_LOOK_WAIT = Duration.ofSeconds(8);

  @Spec CommandSpec spec;

  @Option(names = {"-port", "--port"}, defaultValue = "8080", paramLabel = "<port>",
      description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = {"-host", "--host"}, defaultValue = "0.0.0.0", paramLabel = "<address>",
      description = "Address to listen on (default: ${DEFAULT-VALUE}, every interface, as eRaft's).")
  String host;

  @Option(names = {"-config-addrs", "--config-addrs"}, defaultValue = ShardCtrlerCommand.DEFAULT_CLUSTER,
      paramLabel = "<host:port,...>", description = "The controllers' addresses, comma-separated"
          + " (default: ${DEFAULT-VALUE}).")
  String configAddrs;

  @Option(names = {"-update-interval", "--update-interval"}, defaultValue = "5s", paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "How often the cluster is looked at and the page refreshes (default: ${DEFAULT-VALUE}).")
  Duration updateInterval;

  @Option(names = "--timeout", defaultValue = "2s", paramLabel = "<duration>", converter = DurationConverter.class,
      description = "How long each server is given to answer before it shows as unhealthy (default: "
          + "${DEFAULT-VALUE}, eRaft's).")
  Duration timeout;

  @Option(names = "--log-level", defaultValue = "INFO", paramLabel = "<level>",
      description = "One of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); logs go to stderr.")
  Logging.LogLevel logLevel;

  public static void main(String[] args) {
    Cli.main(new DashboardCommand(), args);
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    Logging.configure(logLevel);
    if (port < 0 || port > 65535) {
      throw Usage.error(spec, "-port " + port + " is not a port: give 0-65535 (0 picks a free one)");
    }
    List<String> controllers = ClientFlags.addresses(spec, "-config-addrs", configAddrs);
    if (updateInterval.isNegative() || updateInterval.isZero()) {
      throw Usage.error(spec, "-update-interval must be positive, such as 5s");
    }
    Duration nodeTimeout = ClientFlags.timeout(spec, timeout);
    ClusterCollector collector = new ClusterCollector(controllers, nodeTimeout);
    DashboardServer server;
    try {
      server = DashboardServer.listen(host, port, collector, updateInterval, FIRST_LOOK_WAIT);
    } catch (IOException | RuntimeException e) {
      collector.close();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "dashboard-shutdown"));
    server.awaitFirstLook(); // so the API answers at once after the line below (a slow first look: 503)
    PrintWriter out = spec.commandLine().getOut();
    out.println("Dashboard server listening on http://" + host + ":" + server.port() + "/ (controllers: "
        + String.join(",", controllers) + ")");
    out.flush();
    new CountDownLatch(1).await(); // until a signal ends the JVM
    return 0;
  }
}
