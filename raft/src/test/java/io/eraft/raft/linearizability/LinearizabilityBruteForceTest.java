package io.eraft.raft.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.raft.linearizability.CheckResult.Outcome;
import io.eraft.raft.linearizability.KvModel.Input;
import io.eraft.raft.linearizability.KvModel.Output;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Checks the checker, prunings included, against the definition: small random KV histories with
 * heavy overlap, ties and timed-out operations, whose verdict is also found by trying every
 * order of every allowed subset of operations.
 */
class LinearizabilityBruteForceTest {
  private static final KvModel KV = new KvModel();
  private static final String[] VALUES = {"a", "b", "ab", ""};

  @Test
  void agreesWithExhaustiveSearch() {
    SplittableRandom random = new SplittableRandom(2024);
    int illegal = 0;
    for (int round = 0; round < 5_000; round++) {
      List<Operation<Input, Output>> history = randomHistory(random);
      boolean expected = linearizable(history, new boolean[history.size()], Map.of());
      CheckResult result = LinearizabilityChecker.check(KV, history, Duration.ofSeconds(10));
      assertEquals(expected ? Outcome.OK : Outcome.ILLEGAL, result.outcome(),
          "round " + round + ": " + history + "\n" + result.explanation());
      illegal += expected ? 0 : 1;
    }
    // Both verdicts must be well represented for the comparison to mean something.
    assertTrue(illegal > 500 && illegal < 4_500, "illegal histories: " + illegal);
  }

  private static List<Operation<Input, Output>> randomHistory(SplittableRandom random) {
    List<Operation<Input, Output>> history = new ArrayList<>();
    int size = 1 + random.nextInt(7);
    for (int i = 0; i < size; i++) {
      String key = random.nextInt(4) == 0 ? "y" : "x";
      String value = VALUES[random.nextInt(VALUES.length)];
      Input input = switch (random.nextInt(3)) {
        case 0 -> Input.get(key);
        case 1 -> Input.put(key, value);
        default -> Input.append(key, value);
      };
      Output output = input.op() == KvModel.Op.GET ? new Output(value) : KvModel.NONE;
      long call = random.nextInt(10);
      long ret = random.nextInt(5) == 0 ? Operation.NEVER_RETURNED : call + random.nextInt(6);
      history.add(new Operation<>(i, input, output, call, ret));
    }
    return history;
  }

  /**
   * Whether the unplaced operations can follow the placed ones, from {@code store}: each next one
   * must not have been called after an unplaced operation returned; indeterminate ones may also
   * never be placed.
   */
  private static boolean linearizable(
      List<Operation<Input, Output>> history, boolean[] placed, Map<String, String> store) {
    boolean determinateLeft = false;
    for (int i = 0; i < history.size(); i++) {
      determinateLeft |= !placed[i] && !history.get(i).indeterminate();
    }
    if (!determinateLeft) {
      return true;
    }
    for (int i = 0; i < history.size(); i++) {
      if (placed[i] || !minimal(history, placed, i)) {
        continue;
      }
      Operation<Input, Output> op = history.get(i);
      String key = op.input().key();
      String before = store.getOrDefault(key, KV.initialState());
      String after = KV.step(before, op.input(), op.knownOutput()).orElse(null);
      if (after == null) {
        continue;
      }
      Map<String, String> next = new HashMap<>(store);
      next.put(key, after);
      placed[i] = true;
      boolean ok = linearizable(history, placed, next);
      placed[i] = false;
      if (ok) {
        return true;
      }
    }
    return false;
  }

  private static boolean minimal(List<Operation<Input, Output>> history, boolean[] placed, int i) {
    for (int j = 0; j < history.size(); j++) {
      if (!placed[j] && j != i && history.get(j).returnNanos() < history.get(i).callNanos()) {
        return false;
      }
    }
    return true;
  }
}
