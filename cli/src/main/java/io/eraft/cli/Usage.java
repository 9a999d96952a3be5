package io.eraft.cli;

import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Turns a value a command found wrong after parsing into a usage error (exit 2, one line, the help hint). */
public final class Usage {
  private Usage() {}

  /** The result of {@code parse}; its {@link IllegalArgumentException} becomes a usage error of {@code spec}. */
  public static <T> T check(CommandSpec spec, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  /** A usage error of {@code spec} saying {@code message}. */
  public static ParameterException error(CommandSpec spec, String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
