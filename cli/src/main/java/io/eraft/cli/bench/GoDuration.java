package io.eraft.cli.bench;

import java.math.BigDecimal;

/** Go's {@code time.Duration.String()}, which eRaft's outputs print: {@code 12.3456789s}, {@code 1m2.5s}, {@code 1.5ms}. */
public final class GoDuration {
  private GoDuration() {}

  public static String format(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    if (nanos < 0) {
      return "-" + format(-nanos);
    }
    if (nanos < 1_000) {
      return nanos + "ns";
    }
    if (nanos < 1_000_000) {
      return decimal(nanos, 3) + "µs";
    }
    if (nanos < 1_000_000_000) {
      return decimal(nanos, 6) + "ms";
    }
    long hours = nanos / 3_600_000_000_000L;
    long minutes = nanos / 60_000_000_000L % 60;
    String seconds = decimal(nanos % 60_000_000_000L, 9) + "s";
    if (hours > 0) {
      return hours + "h" + minutes + "m" + seconds;
    }
    return minutes > 0 ? minutes + "m" + seconds : seconds;
  }

  /** {@code value / 10^scale} without trailing zeros. */
  private static String decimal(long value, int scale) {
    return BigDecimal.valueOf(value, scale).stripTrailingZeros().toPlainString();
  }
}
