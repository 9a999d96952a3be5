package io.eraft.raft.core;

import java.util.Arrays;
import java.util.Collection;

/** Majority arithmetic over a fixed voter set. Pure functions. */
final class Quorum {
  enum VoteResult { PENDING, WON, LOST }

  private Quorum() {}

  static int majority(int voters) {
    return voters / 2 + 1;
  }

  /** The highest value that a majority of {@code values} is at or above (e.g. the commit index). */
  static long committedIndex(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length - majority(sorted.length)];
  }

  /** Tally of granted/rejected votes among {@code voters} voters. */
  static VoteResult voteResult(int voters, Collection<Boolean> votes) {
    int granted = 0;
    int rejected = 0;
    for (boolean v : votes) {
      if (v) {
        granted++;
      } else {
        rejected++;
      }
    }
    int need = majority(voters);
    if (granted >= need) {
      return VoteResult.WON;
    }
    if (voters - rejected < need) {
      return VoteResult.LOST;
    }
    return VoteResult.PENDING;
  }
}
