package io.eraft.cli;

import io.eraft.cli.logs.ServerLogs;
import io.eraft.cli.ops.OpsServer;
import io.eraft.raft.RaftConfig;
import io.eraft.raft.server.GroupAddresses;
import io.eraft.raft.server.ReplicaServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What every server binary does around its replica: checks the id against the address list, builds
 * the Raft configuration from the flags, opens the operations port, and serves until a signal or a
 * fail-stop of the node.
 */
public final class ReplicaLauncher {
  /** The exit statuses of every server binary, for its help footer. */
  public static final String EXIT_STATUS = "Exit status: 0 after a clean stop (SIGTERM/SIGINT); 1 if the server"
      + " cannot start (port in use, data directory locked or corrupt) or stopped after a storage failure;"
      + " 2 for a usage error.";
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaLauncher.class);
  private static final Duration FAILURE_POLL = Duration.ofSeconds(1);

  private ReplicaLauncher() {}

  /** Starts a replica whose meters go to {@code registry}. */
  @FunctionalInterface
  public interface Start {
    ReplicaServer<?> start(MeterRegistry registry) throws IOException;
  }

  /**
   * Who a server is, on every log line and meter: {@code kvserver}, {@code shardctrler} or {@code
   * shardkv}; the gid (0 for a service of one group); its id.
   */
  public record Identity(String component, int group, int node) {}

  /**
   * Opens the operations port (a port in use fails before any data is touched), starts the replica,
   * then serves as {@link #serveUntilStopped} does.
   */
  public static int serve(CommandSpec spec, ServerOptions server, Identity identity, String address, Start start,
      String readyLine) throws IOException, InterruptedException {
    OpsServer ops = server.openOps(identity, address);
    ReplicaServer<?> replica;
    try {
      replica = start.start(ops.registry());
    } catch (IOException | RuntimeException e) {
      ops.close();
      throw e;
    }
    ops.serve(replica.health());
    spec.commandLine().getOut().println("Metrics on " + ops.url() + "/metrics (health: /livez, /readyz)");
    return serveUntilStopped(spec, () -> {
      ops.close(); // first: its meters read the stores the replica closes
      replica.close();
      ServerLogs.flush();
    }, replica, readyLine);
  }

  /**
   * The group's addresses from {@code flag}'s {@code list}, in which {@code id} must be a position.
   *
   * @throws picocli.CommandLine.ParameterException naming the flag and the problem
   */
  public static List<String> addresses(CommandSpec spec, String flag, String list, int id) {
    List<String> addresses = Usage.check(spec, () -> GroupAddresses.parse(flag, list));
    if (id < 0 || id >= addresses.size()) {
      throw Usage.error(spec, "-id " + id + " is not a position in " + flag + ", which lists " + addresses.size()
          + " servers: use an id from 0 to " + (addresses.size() - 1));
    }
    return addresses;
  }

  /** Replica {@code id}'s Raft configuration: the group is every address, the timing is {@code raft}'s flags. */
  public static RaftConfig raftConfig(CommandSpec spec, RaftOptions raft, int id, List<String> addresses,
      Path dataDir) {
    return Usage.check(spec, () -> raft.applyTo(RaftConfig.builder())
        .id(id)
        .peers(LongStream.range(0, addresses.size()).boxed().toList())
        .dataDir(dataDir)
        .build());
  }

  /**
   * Prints {@code readyLine} once {@code replica} serves, then runs until a signal (a shutdown hook
   * closes the replica; the JVM exits 0) or until the node fail-stops (closes it and throws).
   *
   * @throws CommandFailure if the node stopped after a failure
   */
  private static int serveUntilStopped(CommandSpec spec, Runnable stop, ReplicaServer<?> replica, String readyLine)
      throws InterruptedException {
    String name = spec.root().name();
    Thread onSignal = new Thread(() -> {
      LOG.info("stopping on signal");
      stop.run();
    }, name + "-shutdown");
    Runtime.getRuntime().addShutdownHook(onSignal);
    PrintWriter out = spec.commandLine().getOut();
    out.println(readyLine);
    out.flush();
    while (true) {
      String failure = replica.node().status().failure();
      if (failure != null) {
        Runtime.getRuntime().removeShutdownHook(onSignal);
        stop.run();
        throw new CommandFailure(name + " stopped after a failure (" + failure + "): fix the cause, then restart it");
      }
      Thread.sleep(FAILURE_POLL.toMillis());
    }
  }
}
