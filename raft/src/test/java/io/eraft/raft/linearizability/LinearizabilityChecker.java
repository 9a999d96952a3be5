package io.eraft.raft.linearizability;

import io.eraft.raft.linearizability.CheckResult.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

/**
 * A porcupine-style linearizability checker (TESTING.md §3.2, ERAFT-SPEC §7.2) for histories
 * recorded from real clients: is there a single order of the operations, consistent with their
 * real-time intervals, in which the {@link Model} accepts every output?
 *
 * <p>The history is split with {@link Model#partition} and each part is searched independently
 * by a {@link PartitionSearch}, in parallel on the common fork-join pool and the calling thread.
 * An illegal part stops the others. A search still running at the deadline makes the verdict
 * UNKNOWN; callers in this project treat that as a failure
 * ({@link Linearizability#assertLinearizable}). An exception thrown by the model propagates.
 *
 * <p>Thread-safe.
 */
public final class LinearizabilityChecker {
  /** Far enough to never pass, small enough that {@code now + budget} cannot overflow. */
  private static final long MAX_BUDGET_NANOS = Long.MAX_VALUE / 4;
  private static final int UNDECIDED_SHOWN = 10;

  private record PartVerdict(int index, Outcome outcome, String explanation) {}

  private LinearizabilityChecker() {}

  /**
   * Checks {@code history} against {@code model}.
   *
   * @param timeout how long the whole check may take; zero or negative is a deadline already
   *     passed, so any non-empty history is UNKNOWN
   */
  public static <S, I, O> CheckResult check(
      Model<S, I, O> model, List<Operation<I, O>> history, Duration timeout) {
    long deadline = System.nanoTime() + budgetNanos(timeout);
    List<List<Operation<I, O>>> parts = model.partition(List.copyOf(history));
    if (parts.isEmpty()) {
      return new CheckResult(Outcome.OK, "");
    }
    long origin = history.stream().mapToLong(Operation::callNanos).min().orElse(0);
    AtomicBoolean illegalFound = new AtomicBoolean();
    List<PartVerdict> verdicts = IntStream.range(0, parts.size())
        .parallel()
        .mapToObj(i -> checkPart(model, parts, i, origin, deadline, illegalFound))
        .toList();
    Optional<PartVerdict> illegal =
        verdicts.stream().filter(v -> v.outcome() == Outcome.ILLEGAL).findFirst();
    if (illegal.isPresent()) {
      return new CheckResult(Outcome.ILLEGAL, illegal.get().explanation());
    }
    List<Integer> undecided = verdicts.stream()
        .filter(v -> v.outcome() == Outcome.UNKNOWN)
        .map(PartVerdict::index)
        .toList();
    if (!undecided.isEmpty()) {
      return new CheckResult(Outcome.UNKNOWN, timedOut(model, parts, undecided, timeout));
    }
    return new CheckResult(Outcome.OK, "");
  }

  private static <S, I, O> PartVerdict checkPart(
      Model<S, I, O> model,
      List<List<Operation<I, O>>> parts,
      int index,
      long origin,
      long deadline,
      AtomicBoolean illegalFound) {
    List<Operation<I, O>> part = parts.get(index);
    PartitionSearch<S, I, O> search =
        new PartitionSearch<>(model, part, deadline, illegalFound::get);
    Outcome outcome = search.run();
    if (outcome == Outcome.ILLEGAL) {
      illegalFound.set(true);
    }
    String explanation = outcome == Outcome.ILLEGAL
        ? new Explanation<>(model, part, origin)
            .illegal(index, parts.size(), search.deepestStuckPoint())
        : "";
    return new PartVerdict(index, outcome, explanation);
  }

  private static <S, I, O> String timedOut(
      Model<S, I, O> model, List<List<Operation<I, O>>> parts, List<Integer> undecided,
      Duration timeout) {
    StringBuilder text = new StringBuilder("linearizability check did not finish within ")
        .append(timeout).append(": ").append(undecided.size()).append(" of ").append(parts.size())
        .append(" partitions undecided\n");
    undecided.stream().limit(UNDECIDED_SHOWN).forEach(i -> text.append("  ")
        .append(model.describePartition(parts.get(i))).append(" (")
        .append(parts.get(i).size()).append(" operations)\n"));
    return text.toString();
  }

  private static long budgetNanos(Duration timeout) {
    if (timeout.isNegative()) {
      return 0;
    }
    return timeout.compareTo(Duration.ofNanos(MAX_BUDGET_NANOS)) > 0
        ? MAX_BUDGET_NANOS
        : timeout.toNanos();
  }
}
