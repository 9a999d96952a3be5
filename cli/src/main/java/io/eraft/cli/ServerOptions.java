package io.eraft.cli;

import io.eraft.cli.logs.Logging;
import io.eraft.cli.logs.ServerLogs;
import io.eraft.cli.ops.OpsServer;
import io.eraft.cli.ops.ServerMetrics;
import io.eraft.raft.server.GroupAddresses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The service flags every server binary takes besides Raft's (a picocli mixin): the request
 * execute timeout (its default comes from the command's default provider), the operations port,
 * where and how to log, and help.
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
      description = "OFF, ERROR, WARN, INFO, DEBUG or TRACE (default: ${DEFAULT-VALUE}).")
  Logging.LogLevel logLevel;

  @Option(names = "--log-format", defaultValue = "text", paramLabel = "<format>",
      description = "text, or json: one object per line with an ISO 8601 time, for a log shipper"
          + " (default: ${DEFAULT-VALUE}).")
  ServerLogs.Format logFormat;

  @Option(names = "--log-file", paramLabel = "<path>",
      description = "Log to this file instead of stderr, rolled daily and by size into <path>.<date>.<n>.gz.")
  Path logFile;

  @Option(names = "--log-max-file-size", defaultValue = "64MiB", converter = ByteSizeConverter.class,
      paramLabel = "<size>", description = "With --log-file: roll the file at this size (default: ${DEFAULT-VALUE}).")
  long logMaxFileSize;

  @Option(names = "--log-max-history", defaultValue = "7", paramLabel = "<days>",
      description = "With --log-file: keep rolled files this many days (default: ${DEFAULT-VALUE}).")
  int logMaxHistory;

  @Option(names = "--log-total-size-cap", defaultValue = "1GiB", converter = ByteSizeConverter.class,
      paramLabel = "<size>", description = "With --log-file: delete the oldest rolled files beyond this total"
          + " (default: ${DEFAULT-VALUE}).")
  long logTotalSizeCap;

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
   * @throws picocli.CommandLine.ParameterException if the port is out of range
   * @throws IOException if it cannot be bound
   */
  public OpsServer openOps(ReplicaLauncher.Identity identity, String address) throws IOException {
    int port = metricsPort != null ? metricsPort : GroupAddresses.port(address) + METRICS_PORT_OFFSET;
    if (port < 0 || port > 65535) {
      throw Usage.error(spec, metricsPort != null ? "--metrics-port must be from 0 to 65535, got " + port
          : "the default metrics port " + port + " (gRPC port + " + METRICS_PORT_OFFSET + ") is out of range:"
              + " set --metrics-port");
    }
    return OpsServer.listen(GroupAddresses.host(address), port,
        ServerMetrics.create(identity.component(), identity.group(), identity.node()));
  }

  /**
   * Applies the {@code --log-*} flags; every line then carries the server's identity. Call first.
   *
   * @throws picocli.CommandLine.ParameterException if the log file cannot be written
   */
  public void configureLogging(ReplicaLauncher.Identity identity) {
    Logging.configure(logLevel);
    ServerLogs.RolledFile file = null;
    if (logFile != null) {
      if (logMaxHistory < 1) {
        throw Usage.error(spec, "--log-max-history must be at least 1 day, got " + logMaxHistory);
      }
      if (logMaxFileSize < 1 || logTotalSizeCap < logMaxFileSize) {
        throw Usage.error(spec, "--log-total-size-cap (" + ByteSizeConverter.format(logTotalSizeCap)
            + ") must be at least --log-max-file-size (" + ByteSizeConverter.format(logMaxFileSize) + ")");
      }
      checkWritable(logFile);
      file = new ServerLogs.RolledFile(logFile, logMaxFileSize, logMaxHistory, logTotalSizeCap);
    }
    ServerLogs.configure(logFormat, file, identity.component(), identity.group(), identity.node());
  }

  private void checkWritable(Path file) {
    Path absolute = file.toAbsolutePath();
    try {
      Files.createDirectories(absolute.getParent());
      if (Files.isDirectory(absolute) || (Files.exists(absolute) ? !Files.isWritable(absolute)
          : !Files.isWritable(absolute.getParent()))) {
        throw Usage.error(spec, "--log-file " + file + " cannot be written: not a writable file");
      }
    } catch (IOException e) {
      throw Usage.error(spec, "--log-file " + file + " cannot be written: cannot create " + absolute.getParent()
          + " (" + e + ")");
    }
  }
}
