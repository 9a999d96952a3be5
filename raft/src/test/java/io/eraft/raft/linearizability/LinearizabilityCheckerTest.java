package io.eraft.raft.linearizability;

import static io.eraft.raft.linearizability.KvModel.Input.append;
import static io.eraft.raft.linearizability.KvModel.Input.get;
import static io.eraft.raft.linearizability.KvModel.Input.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.raft.linearizability.CheckResult.Outcome;
import io.eraft.raft.linearizability.KvModel.Input;
import io.eraft.raft.linearizability.KvModel.Output;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;

/** Hand-written KV histories with known verdicts, plus generated ones (times in ms below). */
class LinearizabilityCheckerTest {
  private static final KvModel KV = new KvModel();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static Operation<Input, Output> op(
      int client, Input in, String out, long call, long ret) {
    return new Operation<>(client, in, new Output(out), call * 1_000_000, ret * 1_000_000);
  }

  private static Operation<Input, Output> write(int client, Input in, long call, long ret) {
    return op(client, in, "", call, ret);
  }

  private static Operation<Input, Output> timedOut(int client, Input in, long call) {
    return Operation.indeterminate(client, in, call * 1_000_000);
  }

  private static CheckResult check(List<Operation<Input, Output>> history) {
    return LinearizabilityChecker.check(KV, history, TIMEOUT);
  }

  private static void assertOk(List<Operation<Input, Output>> history) {
    CheckResult result = check(history);
    assertEquals(Outcome.OK, result.outcome(), result.explanation());
  }

  private static String assertIllegal(List<Operation<Input, Output>> history) {
    CheckResult result = check(history);
    assertEquals(Outcome.ILLEGAL, result.outcome());
    return result.explanation();
  }

  @Test
  void sequentialHistoryIsOk() {
    assertOk(List.of(
        op(0, get("x"), "", 0, 1),
        write(0, put("x", "a"), 2, 3),
        write(1, append("x", "b"), 4, 5),
        op(1, get("x"), "ab", 6, 7),
        write(0, put("x", "c"), 8, 9),
        op(0, get("x"), "c", 10, 11)));
  }

  @Test
  void emptyHistoryIsOk() {
    assertOk(List.of());
  }

  @Test
  void staleReadAfterCompletedPutIsIllegal() {
    String why = assertIllegal(List.of(
        write(0, put("x", "1"), 0, 10),
        write(1, put("x", "2"), 20, 30),
        op(2, get("x"), "1", 40, 50)));
    assertTrue(why.contains("key 'x'"), why);
    assertTrue(why.contains("get('x') -> '1'"), why);
    assertTrue(why.contains("impossible in this state"), why);
    assertTrue(why.contains("ending in state '2'"), why);
  }

  @Test
  void concurrentAppendsSeenInContradictoryOrdersAreIllegal() {
    assertIllegal(List.of(
        write(0, append("x", "a"), 0, 10),
        write(1, append("x", "b"), 0, 10),
        op(2, get("x"), "ab", 20, 30),
        op(3, get("x"), "ba", 40, 50)));
  }

  @Test
  void readOfValueNeverWrittenIsIllegal() {
    String why = assertIllegal(List.of(
        write(0, put("x", "a"), 0, 10),
        op(1, get("x"), "zzz", 5, 15)));
    assertTrue(why.contains("get('x') -> 'zzz'"), why);
  }

  @Test
  void readBeforeWriteIsCalledIsIllegal() {
    assertIllegal(List.of(
        op(0, get("x"), "a", 0, 10),
        write(1, put("x", "a"), 20, 30)));
  }

  @Test
  void overlappingOperationsLegalInOnlyOneOrderAreOk() {
    // The put spans both reads: it must fall between them, after '' was read and before 'a' was.
    assertOk(List.of(
        write(0, put("x", "a"), 0, 100),
        op(1, get("x"), "", 10, 20),
        op(2, get("x"), "a", 30, 40),
        op(3, get("x"), "a", 110, 120)));
    // Two overlapping appends observed in one order by a read overlapping both.
    assertOk(List.of(
        write(0, append("x", "a"), 0, 50),
        write(1, append("x", "b"), 10, 60),
        op(2, get("x"), "ba", 20, 70),
        op(3, get("x"), "ba", 80, 90)));
  }

  @Test
  void indeterminateAppendThatNeverTookEffectIsOk() {
    // Never observed: KvModel leaves it out before the search.
    assertOk(List.of(
        timedOut(0, append("x", "a"), 0),
        op(1, get("x"), "", 10, 20),
        write(1, append("x", "b"), 30, 40),
        op(2, get("x"), "b", 50, 60)));
    // Its value is observed, but written by another append: the search must leave it out.
    assertOk(List.of(
        timedOut(0, append("x", "a"), 0),
        write(1, append("x", "a"), 10, 20),
        op(2, get("x"), "a", 30, 40),
        write(1, append("x", "b"), 50, 60),
        op(2, get("x"), "ab", 70, 80)));
  }

  @Test
  void indeterminateAppendThatTookEffectIsOk() {
    assertOk(List.of(
        timedOut(0, append("x", "a"), 0),
        op(1, get("x"), "", 10, 20),
        op(2, get("x"), "a", 30, 40),
        write(1, append("x", "b"), 50, 60),
        op(2, get("x"), "ab", 70, 80)));
  }

  @Test
  void indeterminateWriteCannotTakeEffectBeforeItsCall() {
    assertIllegal(List.of(
        op(0, get("x"), "a", 0, 10),
        timedOut(1, put("x", "a"), 20)));
  }

  @Test
  void indeterminateGetConstrainsNothing() {
    assertOk(List.of(
        write(0, put("x", "a"), 0, 10),
        new Operation<>(1, get("x"), new Output("garbage"), 20_000_000, Operation.NEVER_RETURNED),
        timedOut(2, get("x"), 30),
        op(0, get("x"), "a", 40, 50)));
  }

  @Test
  void illegalKeyIsNamedAmongLegalOnes() {
    List<Operation<Input, Output>> history = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      history.add(write(k, put("k" + k, "v"), 0, 10));
      history.add(op(k, get("k" + k), k == 7 ? "stale" : "v", 20, 30));
    }
    String why = assertIllegal(history);
    assertTrue(why.startsWith("not linearizable: key 'k7' (partition 8 of 10, 2 operations)"), why);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void generatedHistoriesAreOkAndMutatedOnesIllegal(long seed) {
    List<Operation<Input, Output>> history = RandomKvHistory.generate(seed, 2_000, 8, 3, 0.02);
    CheckResult result = check(history);
    assertEquals(Outcome.OK, result.outcome(), "seed " + seed + "\n" + result.explanation());

    SplittableRandom random = new SplittableRandom(seed);
    int[] gets = IntStream.range(0, history.size())
        .filter(i -> history.get(i).input().op() == KvModel.Op.GET)
        .filter(i -> !history.get(i).indeterminate())
        .toArray();
    int victim = gets[random.nextInt(gets.length)];
    List<Operation<Input, Output>> mutated = new ArrayList<>(history);
    Operation<Input, Output> read = history.get(victim);
    mutated.set(victim, new Operation<>(read.clientId(), read.input(), new Output("never-written"),
        read.callNanos(), read.returnNanos()));
    String why = assertIllegal(mutated);
    assertTrue(why.contains("never-written"), "seed " + seed + "\n" + why);
    assertTrue(why.lines().count() <= 50, why);
  }

  @Test
  void largeConcurrentHistoryChecksQuickly() {
    List<Operation<Input, Output>> history = RandomKvHistory.generate(42, 50_000, 15, 15, 0.005);
    CheckResult result = LinearizabilityChecker.check(KV, history, Duration.ofSeconds(5));
    assertEquals(Outcome.OK, result.outcome(), result.explanation());
  }

  @Test
  void passedDeadlineIsUnknown() {
    List<Operation<Input, Output>> history = RandomKvHistory.generate(7, 20_000, 15, 1, 0.05);
    CheckResult zero = LinearizabilityChecker.check(KV, history, Duration.ZERO);
    assertEquals(Outcome.UNKNOWN, zero.outcome());
    assertTrue(zero.explanation().contains("key 'k0'"), zero.explanation());
    assertEquals(Outcome.UNKNOWN,
        LinearizabilityChecker.check(KV, history, Duration.ofMillis(-1)).outcome());
  }

  @Test
  void assertLinearizableFailsOnIllegalAndOnTimeout() {
    List<Operation<Input, Output>> stale = List.of(
        write(0, put("x", "1"), 0, 10),
        write(1, put("x", "2"), 20, 30),
        op(2, get("x"), "1", 40, 50));
    AssertionFailedError illegal = assertThrows(AssertionFailedError.class,
        () -> Linearizability.assertLinearizable(KV, stale, TIMEOUT));
    assertTrue(illegal.getMessage().contains("not linearizable"), illegal.getMessage());
    AssertionFailedError unknown = assertThrows(AssertionFailedError.class,
        () -> Linearizability.assertLinearizable(KV, stale, Duration.ZERO));
    assertTrue(unknown.getMessage().contains("could not be checked"), unknown.getMessage());
    Linearizability.assertLinearizable(KV, stale.subList(0, 2), TIMEOUT);
  }
}
