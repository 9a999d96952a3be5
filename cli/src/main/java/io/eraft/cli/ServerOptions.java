package io.eraft.cli;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The service flags every server binary takes besides Raft's (a picocli mixin): the request
 * execute timeout (its default comes from the command's default provider), the log level and help.
 */
public final class ServerOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  @Option(names = "--execute-timeout", converter = DurationConverter.class, paramLabel = "<duration>",
      description = "How long a request waits for its outcome before answering ErrTimeout; the client then"
          + " retries (default: ${DEFAULT-VALUE}).")
  Duration executeTimeout;

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

  /** Applies --log-level; call first. */
  public void configureLogging() {
    Logging.configure(logLevel);
  }
}
