package io.eraft.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a size flag in bytes: {@code 1048576}, {@code 512KiB}, {@code 64MiB}, {@code 1GiB} (binary units). */
public final class ByteSizeConverter implements ITypeConverter<Long> {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kib|mib|gib)?");
  private static final String[] UNITS = {"GiB", "MiB", "KiB"};
  private static final int[] SHIFTS = {30, 20, 10};

  @Override
  public Long convert(String value) {
    Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new TypeConversionException("'" + value + "' is not a size: write bytes, or e.g. 512KiB, 64MiB, 1GiB");
    }
    int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
      case "kib" -> 10;
      case "mib" -> 20;
      case "gib" -> 30;
      default -> 0;
    };
    try {
      long amount = Long.parseLong(m.group(1));
      if (amount > Long.MAX_VALUE >> shift) {
        throw new NumberFormatException();
      }
      return amount << shift;
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + value + "' is too large");
    }
  }

  /** The largest whole binary unit, e.g. {@code 64MiB}, else plain bytes. */
  public static String format(long bytes) {
    for (int i = 0; i < UNITS.length; i++) {
      long unit = 1L << SHIFTS[i];
      if (bytes != 0 && bytes % unit == 0) {
        return bytes / unit + UNITS[i];
      }
    }
    return Long.toString(bytes);
  }

  /** A size flag as an int: gRPC messages, and so keys, values and pages, stay below 2 GiB. */
  public static int belowTwoGiB(String flag, long bytes) {
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(flag + " " + bytes + " is larger than the largest gRPC message (2GiB - 1)");
    }
    return (int) bytes;
  }
}
