package io.eraft.cli.bench;

import java.util.concurrent.ThreadLocalRandom;

/** One benchmark operation, and the mixes that choose them. */
public enum BenchOp {
  PUT, GET, APPEND;

  /** Chooses each next operation; called on many threads. */
  @FunctionalInterface
  public interface Mix {
    BenchOp next(ThreadLocalRandom random);
  }

  /** Always {@code op}. */
  public static Mix only(BenchOp op) {
    return random -> op;
  }

  /** A Get with probability {@code readRatio}, else a Put. */
  public static Mix reads(double readRatio) {
    return random -> random.nextDouble() < readRatio ? GET : PUT;
  }
}
