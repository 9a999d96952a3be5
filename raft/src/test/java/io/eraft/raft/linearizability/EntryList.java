package io.eraft.raft.linearizability;

import java.util.Arrays;
import java.util.List;

/**
 * The call and return events of one partition in time order, as a doubly linked list from which
 * an operation's two events can be removed ("lifted") and put back ("unlifted") in O(1), the
 * structure of porcupine's {@code linkedEntries} (Lowe, "Testing for linearizability", 2017).
 * Removals must be undone in reverse order, which the depth-first search guarantees.
 *
 * <p>Events are numbered 0..2n-1 in time order; {@link #HEAD} is a sentinel before the first.
 * At equal times a call sorts before a return, so operations that merely touch are treated as
 * concurrent: the checker never rejects a history because of clock granularity.
 *
 * <p>Not thread-safe; owned by one {@link PartitionSearch}.
 */
final class EntryList {
  /** The sentinel before the first event. */
  static final int HEAD = -1;
  /** What {@link #next} returns after the last event. */
  static final int END = -2;

  private final int[] next;
  private final int[] prev;
  private final int[] operation;
  /** For a call event, its return event; -1 for a return event. */
  private final int[] match;
  private int first;

  EntryList(List<? extends Operation<?, ?>> operations) {
    int events = 2 * operations.size();
    // Event k is the call (k even) or return (k odd) of operation k / 2.
    Integer[] byTime = new Integer[events];
    Arrays.setAll(byTime, k -> k);
    Arrays.sort(byTime, (a, b) -> {
      int byWhen = Long.compare(time(operations, a), time(operations, b));
      return byWhen != 0 ? byWhen : Integer.compare(a & 1, b & 1);
    });
    next = new int[events];
    prev = new int[events];
    operation = new int[events];
    match = new int[events];
    int[] position = new int[events];
    for (int e = 0; e < events; e++) {
      position[byTime[e]] = e;
    }
    for (int e = 0; e < events; e++) {
      int k = byTime[e];
      operation[e] = k / 2;
      match[e] = (k & 1) == 0 ? position[k + 1] : -1;
      next[e] = e + 1 < events ? e + 1 : END;
      prev[e] = e > 0 ? e - 1 : HEAD;
    }
    first = events > 0 ? 0 : END;
  }

  private static long time(List<? extends Operation<?, ?>> operations, int event) {
    Operation<?, ?> op = operations.get(event / 2);
    return (event & 1) == 0 ? op.callNanos() : op.returnNanos();
  }

  /** The first event still in the list, or {@link #END}. */
  int first() {
    return first;
  }

  /** The event after {@code event}, or {@link #END}. */
  int next(int event) {
    return next[event];
  }

  /** The event before {@code event}, or {@link #HEAD}. */
  int prev(int event) {
    return prev[event];
  }

  boolean isCall(int event) {
    return match[event] >= 0;
  }

  /** The index, in the partition, of the operation {@code event} belongs to. */
  int operation(int event) {
    return operation[event];
  }

  /** Removes a call event and its return event. */
  void lift(int call) {
    unlink(call);
    unlink(match[call]);
  }

  /** Puts back the events removed by the matching {@link #lift}, in reverse order. */
  void unlift(int call) {
    relink(match[call]);
    relink(call);
  }

  private void unlink(int event) {
    int before = prev[event];
    int after = next[event];
    if (before == HEAD) {
      first = after;
    } else {
      next[before] = after;
    }
    if (after != END) {
      prev[after] = before;
    }
  }

  /** Reinserts {@code event} between the neighbours it had when it was unlinked. */
  private void relink(int event) {
    int before = prev[event];
    int after = next[event];
    if (before == HEAD) {
      first = event;
    } else {
      next[before] = event;
    }
    if (after != END) {
      prev[after] = event;
    }
  }
}
