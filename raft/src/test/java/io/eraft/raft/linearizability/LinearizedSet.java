package io.eraft.raft.linearizability;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The set of operations linearized so far on the current search path, as a bitset over the
 * partition's operations (numbered in call order), with a Zobrist hash of its determinate
 * members: the XOR of a random 64-bit key per member. Probing the cache for "this set plus one
 * operation" then costs one XOR instead of a pass over the words.
 *
 * <p>Indeterminate members are left out of the hash because visits are compared by dominance,
 * not equality (see {@link #isDominatedBy}): sets that differ only in indeterminate operations
 * must meet in one hash chain.
 *
 * <p>Not thread-safe; owned by one {@link PartitionSearch}.
 */
final class LinearizedSet {
  /** Fixed so that a search, and so its report, is the same on every run. */
  private static final long KEY_SEED = 0x5eed_1157_ab1eL;
  private static final long ALL = ~0L;

  /**
   * A frozen copy, compressed for the cache: words below {@code fullWords} are all ones, the
   * next ones are {@code middle}, the rest zero. Operations are numbered in call order and
   * linearized roughly in that order, so {@code middle} spans only the concurrency window.
   */
  record Snapshot(int fullWords, long[] middle) {
    long word(int i) {
      if (i < fullWords) {
        return ALL;
      }
      int m = i - fullWords;
      return m < middle.length ? middle[m] : 0;
    }
  }

  private final long[] words;
  private final long[] indeterminate;
  private final long[] keys;
  private long hash;

  LinearizedSet(List<? extends Operation<?, ?>> operations) {
    int n = operations.size();
    words = new long[(n + 63) >>> 6];
    indeterminate = new long[words.length];
    keys = new long[n];
    SplittableRandom random = new SplittableRandom(KEY_SEED);
    for (int op = 0; op < n; op++) {
      long key = random.nextLong();
      if (operations.get(op).indeterminate()) {
        indeterminate[op >>> 6] |= 1L << op;
      } else {
        keys[op] = key;
      }
    }
  }

  void add(int op) {
    words[op >>> 6] |= 1L << op;
    hash ^= keys[op];
  }

  void remove(int op) {
    words[op >>> 6] &= ~(1L << op);
    hash ^= keys[op];
  }

  /** The hash this set would have with {@code op} added ({@code op} is not a member). */
  long hashWith(int op) {
    return hash ^ keys[op];
  }

  /**
   * Whether this set with {@code op} added holds every member of {@code visited} and, beyond
   * those, only indeterminate operations: the visited set reaches every completion this one can,
   * since an indeterminate operation may always be left for later or never.
   */
  boolean isDominatedBy(Snapshot visited, int op) {
    for (int i = 0; i < words.length; i++) {
      long mine = i == op >>> 6 ? words[i] | (1L << op) : words[i];
      long theirs = visited.word(i);
      if ((theirs & ~mine) != 0 || (mine & ~theirs & ~indeterminate[i]) != 0) {
        return false;
      }
    }
    return true;
  }

  /** A copy of this set with {@code op} added. */
  Snapshot snapshotWith(int op) {
    long[] copy = words.clone();
    copy[op >>> 6] |= 1L << op;
    int low = 0;
    while (low < copy.length && copy[low] == ALL) {
      low++;
    }
    int high = copy.length;
    while (high > low && copy[high - 1] == 0) {
      high--;
    }
    return new Snapshot(low, Arrays.copyOfRange(copy, low, high));
  }
}
