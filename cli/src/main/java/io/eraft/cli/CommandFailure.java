package io.eraft.cli;

/**
 * A failure a command reports as one line on stderr, exiting {@link ExitCode#FAILURE}. The
 * message names the problem and, where there is one, the fix.
 */
public final class CommandFailure extends RuntimeException {
  public CommandFailure(String message) {
    super(message);
  }
}
