package io.eraft.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration flag: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 0}, or ISO-8601
 * ({@code PT5S}). As Go's {@code time.ParseDuration}, it reads {@code 0} without a unit and a
 * leading minus, so that a flag refusing zero or negative values can say why instead of "not a
 * duration". Stateless.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern SIMPLE = Pattern.compile("(-?\\d+)(ms|s|m|h)");
  private static final Pattern ZERO = Pattern.compile("[-+]?0");

  @Override
  public Duration convert(String value) {
    String text = value.trim().toLowerCase(Locale.ROOT);
    if (ZERO.matcher(text).matches()) {
      return Duration.ZERO;
    }
    Matcher m = SIMPLE.matcher(text);
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    }
    try {
      return Duration.parse(value.trim());
    } catch (DateTimeParseException e) {
      throw new TypeConversionException("'" + value + "' is not a duration: write e.g. 500ms, 5s or 2m");
    }
  }

  /** The shortest form {@link #convert} reads back to the same duration, e.g. {@code 100ms} or {@code 5s}. */
  public static String format(Duration d) {
    if (d.toNanos() % 1_000_000 != 0) {
      return d.toString();
    }
    long millis = d.toMillis();
    if (millis != 0 && millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    return millis != 0 && millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
