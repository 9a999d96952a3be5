package io.eraft.cli;

import io.eraft.cli.ops.OpsServer;
import io.eraft.cli.ops.ServerMetrics;
import io.eraft.raft.server.GroupAddresses;
import java.io.IOException;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The service flags every server binary takes besides Raft's (a picocli mixin): the request
 * execute timeout (its default comes from the command's default provider), the operations port,
 * the log level and help.
 */
public final class ServerOptions {
  /** A server's default metrics port is its gRPC port plus this (5001 -> 5101, 50051 -> 50151). */
  public static final int METRICS_PORT_OFFSET = 100;

  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  @Option(names = "--execute-timeout", converter = DurationConverter.class, paramLabel = "<duration>",
      description = "How long a request waits for its outcome before answering ErrTimeout; the client then"
          + " retries (default: ${DEFAULT-VALUE}).")
  Duration executeTimeout;

  @Option(names = "--metrics-port", paramLabel = "<port>",
      description = "HTTP port of /metrics (Prometheus), /livez (/healthz) and /readyz, on the host of this"
          + " server's address; 0 picks a free port (default: this server's gRPC port + "
          + ServerOptions.METRICS_PORT_OFFSET + ").")
  Integer metricsPort;

  @Option(names = "--log-level", defaultValue = "INFO", paramLabel = "<level>",
      description = "OFF, ERROR, WARN, INFO, DEBUG or TRACE; logs go to stderr (default: ${DEFAULT-VALUE}).")
  Logging.LogLevel logLevel;

  @Option(names = {"-h", "-help", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  /** The execute timeout; a usage error unless positive. */
  public Duration executeTimeout() {
    if (executeTimeout.isNegative() || executeTimeout.isZero()) {
      throw Usage.error(spec, "--execute-timeout must be positive, got " + DurationConverter.format(executeTimeout));
    }
    return executeTimeout;
  }

  /**
   * Binds the operations port of the server at {@code address} and makes its meter registry,
   * tagged with the server's identity.
   *
   * @param component {@code kvserver}, {@code shardctrler} or {@code shardkv}
   * @param group the gid, 0 for a service of one group
   * @throws picocli.CommandLine.ParameterException if the port is out of range
   * @throws IOException if it cannot be bound
   */
  public OpsServer openOps(String component, int group, long node, String address) throws IOException {
    int port = metricsPort != null ? metricsPort : GroupAddresses.port(address) + METRICS_PORT_OFFSET;
    if (port < 0 || port > 65535) {
      throw Usage.error(spec, metricsPort != null ? "--metrics-port must be from 0 to 65535, got " + port
          : "the default metrics port " + port + " (gRPC port + " + METRICS_PORT_OFFSET + ") is out of range:"
              + " set --metrics-port");
    }
    return OpsServer.listen(GroupAddresses.host(address), port, ServerMetrics.create(component, group, node));
  }

  /** Applies --log-level; call first. */
  public void configureLogging() {
    Logging.configure(logLevel);
  }
}
