package io.eraft.raft.linearizability;

import java.util.List;

/**
 * Where the search of a partition got furthest before it had to backtrack: an operation had
 * returned, so it had to be linearized by then, yet no pending operation could be linearized
 * next. Kept small (only the tail of the prefix and the nearest pending operations) because it
 * is replaced each time the search gets further.
 *
 * @param depth how many operations were linearized
 * @param prefixTail the last operations of that partial linearization, in order
 * @param state the model state after the partial linearization
 * @param stuck the operation whose return forced the backtrack
 * @param pending the most recently called operations not yet linearized at that point, in call
 *     order, leaving out indeterminate ones that would change nothing; includes {@code stuck}
 */
record StuckPoint<S, I, O>(
    int depth,
    List<Operation<I, O>> prefixTail,
    S state,
    Operation<I, O> stuck,
    List<Operation<I, O>> pending) {}
