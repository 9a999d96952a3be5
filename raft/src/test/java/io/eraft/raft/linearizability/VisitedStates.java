package io.eraft.raft.linearizability;

import java.util.HashMap;
import java.util.Map;

/**
 * The memoization of Lowe's algorithm: every (set of linearized operations, model state) the
 * search has entered. A pair reached again by another order of the same operations has the same
 * future, so it is pruned; this turns the factorial search over orders of concurrent operations
 * into one over sets.
 *
 * <p>The pruning is by dominance, which is stronger than equality: a pair is also pruned when a
 * visited pair has the same state and the same determinate operations but only a subset of its
 * indeterminate ones (see {@link LinearizedSet#isDominatedBy}). Without this, every timed-out
 * write whose effect a later put erased would double the pairs to explore from then on.
 *
 * <p>Not thread-safe; owned by one {@link PartitionSearch}.
 */
final class VisitedStates<S> {
  /** A multiplier from the golden ratio, spreading a state's 32-bit hash over 64 bits. */
  private static final long SPREAD = 0x9E37_79B9_7F4A_7C15L;

  /** Visits whose determinate operations and state hash alike are chained. */
  private record Visit<S>(LinearizedSet.Snapshot linearized, S state, Visit<S> next) {}

  private final Map<Long, Visit<S>> visits = new HashMap<>();

  /**
   * Records entering ({@code linearized} plus {@code op}, {@code state}).
   *
   * @return false if a visited pair dominates it, so the search need not enter it
   */
  boolean add(LinearizedSet linearized, int op, S state) {
    long key = linearized.hashWith(op) ^ (state.hashCode() * SPREAD);
    Visit<S> chain = visits.get(key);
    for (Visit<S> v = chain; v != null; v = v.next()) {
      if (v.state().equals(state) && linearized.isDominatedBy(v.linearized(), op)) {
        return false;
      }
    }
    visits.put(key, new Visit<>(linearized.snapshotWith(op), state, chain));
    return true;
  }
}
