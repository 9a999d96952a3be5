package io.eraft.raft.core;

import java.util.HexFormat;
import java.util.Random;

/**
 * Cluster ids: 64-bit names of one incarnation of a group, shown as 16 hex digits (as etcd shows
 * its cluster ids). {@link HardState#NO_CLUSTER} (0) means unknown.
 */
public final class ClusterIds {
  private ClusterIds() {}

  /** A fresh id, never {@link HardState#NO_CLUSTER}. */
  static long mint(Random random) {
    long id;
    do {
      id = random.nextLong();
    } while (id == HardState.NO_CLUSTER);
    return id;
  }

  public static String format(long clusterId) {
    return HexFormat.of().toHexDigits(clusterId);
  }

  /** Parses {@link #format}'s output; throws IllegalArgumentException naming {@code text} otherwise. */
  public static long parse(String text) {
    if (text.length() != 16 || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw new IllegalArgumentException("'" + text + "' is not a cluster id (16 hex digits)");
    }
    return HexFormat.fromHexDigitsToLong(text);
  }
}
