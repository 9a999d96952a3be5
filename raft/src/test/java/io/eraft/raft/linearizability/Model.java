package io.eraft.raft.linearizability;

import java.util.List;
import java.util.Optional;

/**
 * A sequential specification, as porcupine's {@code Model}: the object every correct history must
 * look like when each operation is placed at one instant between its call and its return.
 *
 * <p>States are compared with {@code equals} and {@code hashCode}: the checker caches the states
 * it has reached for each set of linearized operations, so they must be immutable values.
 * Implementations must be thread-safe (partitions are checked in parallel); stateless ones are.
 *
 * @param <S> the state; immutable, never null
 * @param <I> an operation's input
 * @param <O> an operation's output
 */
public interface Model<S, I, O> {

  /** The state before any operation. */
  S initialState();

  /**
   * Applies one operation to {@code state}.
   *
   * @param output what the client saw, or {@code null} when the operation is
   *     {@linkplain Operation#indeterminate() indeterminate}: the client never saw a reply, so the
   *     model must accept any output (a read then constrains nothing)
   * @return the state after the operation, or empty when {@code output} could not have been
   *     produced from {@code state}
   */
  Optional<S> step(S state, I input, O output);

  /**
   * Splits a history into independent parts that can be checked separately
   * (P-compositionality, Horn and Kroening, arXiv 1504.00204): the whole history is linearizable
   * iff every part is. A part may also leave out operations that provably cannot change its
   * verdict. The default keeps one part with everything.
   */
  default List<List<Operation<I, O>>> partition(List<Operation<I, O>> history) {
    return List.of(history);
  }

  /** Names one part returned by {@link #partition} in a failure report, e.g. {@code key 'k'}. */
  default String describePartition(List<Operation<I, O>> part) {
    return "the whole history";
  }

  /** One line for an operation in a failure report; {@code output} is null if indeterminate. */
  String describeOperation(I input, O output);

  /** One line for a state in a failure report. */
  String describeState(S state);
}
