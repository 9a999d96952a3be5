package io.eraft.raft.linearizability;

import static io.eraft.raft.linearizability.KvModel.Input.append;
import static io.eraft.raft.linearizability.KvModel.Input.get;
import static io.eraft.raft.linearizability.KvModel.Input.put;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eraft.raft.linearizability.KvModel.Input;
import io.eraft.raft.linearizability.KvModel.Output;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LinearizabilityKvModelTest {
  private final KvModel model = new KvModel();

  @Test
  void stepsFollowErafts() {
    assertEquals(Optional.of(""), model.step(model.initialState(), get("k"), new Output("")));
    assertEquals(Optional.empty(), model.step("a", get("k"), new Output("b")));
    assertEquals(Optional.of("a"), model.step("a", get("k"), null));
    assertEquals(Optional.of("b"), model.step("a", put("k", "b"), KvModel.NONE));
    assertEquals(Optional.of("ab"), model.step("a", append("k", "b"), KvModel.NONE));
  }

  @Test
  void partitionsByKeyInKeyOrder() {
    List<Operation<Input, Output>> history = List.of(
        new Operation<>(0, put("b", "1"), KvModel.NONE, 0, 1),
        new Operation<>(0, put("a", "1"), KvModel.NONE, 2, 3),
        new Operation<>(0, get("b"), new Output("1"), 4, 5));
    List<List<Operation<Input, Output>>> parts = model.partition(history);
    assertEquals(List.of(List.of(history.get(1)), List.of(history.get(0), history.get(2))), parts);
    assertEquals("key 'a'", model.describePartition(parts.get(0)));
  }

  @Test
  void partitionsLeaveOutTimeoutsThatCannotMatter() {
    Operation<Input, Output> unobserved = Operation.indeterminate(0, append("k", "lost"), 0);
    Operation<Input, Output> observed = Operation.indeterminate(1, append("k", "seen"), 1);
    Operation<Input, Output> read = Operation.indeterminate(2, get("k"), 2);
    Operation<Input, Output> get = new Operation<>(3, get("k"), new Output("seen"), 3, 4);
    Operation<Input, Output> late = Operation.indeterminate(4, append("k", "seen"), 5);
    assertEquals(List.of(List.of(observed, get)),
        model.partition(List.of(unobserved, observed, read, get, late)));
  }

  @Test
  void describesLikeErafts() {
    assertEquals("get('k') -> 'v'", model.describeOperation(get("k"), new Output("v")));
    assertEquals("get('k') -> ?", model.describeOperation(get("k"), null));
    assertEquals("put('k', 'v')", model.describeOperation(put("k", "v"), KvModel.NONE));
    assertEquals("append('k', 'v')", model.describeOperation(append("k", "v"), KvModel.NONE));
    assertEquals("'v'", model.describeState("v"));
  }
}
