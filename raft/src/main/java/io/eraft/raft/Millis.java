package io.eraft.raft;

/** Durations as log lines show them: milliseconds with microsecond precision ({@code tookMs=5.646}). */
public final class Millis {
  private Millis() {}

  public static double of(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }
}
