package io.eraft.cli;

import io.eraft.raft.client.ClusterUnavailableException;
import io.eraft.raft.client.RequestRefusedException;
import io.eraft.raft.storage.StorageException;
import io.eraft.raft.trace.Traceparent;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/**
 * Runs a binary's picocli command with the conventions every binary shares: Go-style single-dash
 * long flags next to {@code --flags}, and every error as one line on stderr, prefixed with the
 * command's name, with the exit codes of {@link ExitCode}. Only an error no one anticipated (a
 * bug) prints a stack trace. Stateless: a command is parsed and run on the thread that calls
 * {@link #execute} (a binary's main thread).
 */
public final class Cli {
  private Cli() {}

  /** Runs {@code command} on {@code args} and exits the JVM with its status. */
  public static void main(Object command, String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int status = execute(command, out, err, args);
    out.flush();
    err.flush();
    System.exit(status);
  }

  /** Runs {@code command} on {@code args}, writing to {@code out} and {@code err}; returns the exit status. */
  public static int execute(Object command, PrintWriter out, PrintWriter err, String... args) {
    return commandLine(command, out, err).execute(args);
  }

  /** The configured {@link CommandLine} of {@code command}, for running it or, in tests, only parsing. */
  public static CommandLine commandLine(Object command, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(command);
    cli.setOut(out);
    cli.setErr(err);
    // Go's flag package knows no clustered short options; "-id" is one flag, never "-i -d".
    cli.setPosixClusteredShortOptionsAllowed(false);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    // eRaft's "-op get" names an operation that is also a subcommand; it is the flag's value.
    cli.setAllowSubcommandsAsOptionParameters(true);
    cli.setParameterExceptionHandler((e, args) -> usageError(e));
    cli.setExecutionStrategy(Cli::run);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof ParameterException usage) {
        return usageError(usage); // a flag's value found wrong by the command itself
      }
      String name = commandLine.getCommandSpec().root().name();
      PrintWriter errors = commandLine.getErr();
      String line = describe(e);
      if (line == null) {
        errors.println(name + ": unexpected error (a bug; please report it with this trace): " + e);
        e.printStackTrace(errors);
      } else {
        errors.println(name + ": " + line);
      }
      return ExitCode.FAILURE;
    });
    return cli;
  }

  /** Runs the command picocli parsed, under a new trace if it is {@link Traced} and asked for one. */
  private static int run(ParseResult parsed) {
    if (parsed.commandSpec().userObject() instanceof Traced command && command.traced()) {
      Traceparent trace = Traceparent.start();
      CommandLine root = parsed.commandSpec().commandLine();
      root.getErr().println(parsed.commandSpec().name() + ": trace id " + trace.traceId());
      root.getErr().flush();
      return trace.call(() -> new RunLast().execute(parsed));
    }
    return new RunLast().execute(parsed);
  }

  /** One line naming the command, the problem and where the usage is; nothing was done. */
  private static int usageError(ParameterException e) {
    String name = e.getCommandLine().getCommandSpec().qualifiedName();
    String problem = e instanceof UnmatchedArgumentException unmatched ? siblingHint(unmatched) : null;
    e.getCommandLine().getErr().println(name + ": " + oneLine(problem != null ? problem : e.getMessage())
        + " (see '" + name + " --help')");
    return ExitCode.USAGE;
  }

  /** What to say if an unknown flag is a sibling binary's ({@link SiblingFlags}), or null. */
  private static String siblingHint(UnmatchedArgumentException e) {
    if (!(e.getCommandLine().getCommandSpec().root().userObject() instanceof SiblingFlags command)) {
      return null;
    }
    for (String arg : e.getUnmatched()) {
      if (!arg.startsWith("-")) {
        continue;
      }
      String name = arg.replaceFirst("^--?", "").replaceFirst("=.*", "");
      for (SiblingFlags.SiblingFlag flag : command.siblingFlags()) {
        if (flag.name().equals(name)) {
          return flag.hint();
        }
      }
    }
    return null;
  }

  /** The one line for a failure an operator can act on, or null for anything else. */
  private static String describe(Exception e) {
    if (e instanceof CommandFailure || e instanceof ClusterUnavailableException || e instanceof StorageException
        || e instanceof IOException) {
      return oneLine(e.getMessage());
    }
    if (e instanceof RequestRefusedException refused) {
      return "the cluster refused the request: " + oneLine(refused.getMessage());
    }
    return null;
  }

  private static String oneLine(String message) {
    return String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", "; ");
  }
}
