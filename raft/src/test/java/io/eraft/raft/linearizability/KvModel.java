package io.eraft.raft.linearizability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * eRaft's key/value model ({@code models/kv.go}, ERAFT-SPEC §7.2): each key is an independent
 * string register, initially empty; a get must return the current string, a put replaces it and
 * an append concatenates to it. The history is partitioned by key, keys in sorted order.
 *
 * <p>Stateless and thread-safe.
 */
public final class KvModel implements Model<String, KvModel.Input, KvModel.Output> {

  /** The three client operations, numbered as on eRaft's wire (0 = get, 1 = put, 2 = append). */
  public enum Op {
    GET,
    PUT,
    APPEND
  }

  /** A request; {@code value} is empty for a get. */
  public record Input(Op op, String key, String value) {
    public Input {
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    public static Input get(String key) {
      return new Input(Op.GET, key, "");
    }

    public static Input put(String key, String value) {
      return new Input(Op.PUT, key, value);
    }

    public static Input append(String key, String value) {
      return new Input(Op.APPEND, key, value);
    }
  }

  /** A reply; {@code value} is what a get returned (empty for a missing key, put and append). */
  public record Output(String value) {
    public Output {
      Objects.requireNonNull(value, "value");
    }
  }

  /** An output for operations whose reply carries nothing (put, append). */
  public static final Output NONE = new Output("");

  @Override
  public String initialState() {
    return "";
  }

  @Override
  public Optional<String> step(String state, Input input, Output output) {
    return switch (input.op()) {
      // A get whose reply never came (null output) saw nothing the model has to match.
      case GET ->
          output == null || output.value().equals(state) ? Optional.of(state) : Optional.empty();
      case PUT -> Optional.of(input.value());
      case APPEND -> Optional.of(state + input.value());
    };
  }

  /**
   * Splits by key, keys in sorted order, and leaves out the indeterminate operations that cannot
   * matter: reads (they neither constrain nor change anything) and writes of a non-empty value
   * that no completed get returned after the write's call saw as part of its output.
   *
   * <p>Dropping such a write is sound: had it taken effect, every state after it up to the next
   * put would contain its value, so no get was linearized there, and removing it changes no
   * get's result. Dropping it matters because the search otherwise tries every pending
   * indeterminate write at every step, and a few that never took effect, pending together until
   * the end of the history, make it exponential.
   */
  @Override
  public List<List<Operation<Input, Output>>> partition(List<Operation<Input, Output>> history) {
    Map<String, List<Operation<Input, Output>>> byKey = new TreeMap<>();
    for (Operation<Input, Output> op : history) {
      byKey.computeIfAbsent(op.input().key(), k -> new ArrayList<>()).add(op);
    }
    return byKey.values().stream().map(KvModel::withoutIrrelevantTimeouts).toList();
  }

  private static List<Operation<Input, Output>> withoutIrrelevantTimeouts(
      List<Operation<Input, Output>> part) {
    List<Operation<Input, Output>> readsByReturn = part.stream()
        .filter(op -> op.input().op() == Op.GET && !op.indeterminate())
        .sorted(Comparator.comparingLong(Operation::returnNanos))
        .toList();
    return part.stream()
        .filter(op -> !op.indeterminate() || mayHaveBeenSeen(op, readsByReturn))
        .toList();
  }

  private static boolean mayHaveBeenSeen(
      Operation<Input, Output> timedOut, List<Operation<Input, Output>> readsByReturn) {
    if (timedOut.input().op() == Op.GET) {
      return false;
    }
    String value = timedOut.input().value();
    if (value.isEmpty()) {
      return true;
    }
    // Latest reads first, as they see the most writes; one that returned before the call cannot.
    for (int i = readsByReturn.size() - 1;
        i >= 0 && readsByReturn.get(i).returnNanos() >= timedOut.callNanos();
        i--) {
      if (readsByReturn.get(i).output().value().contains(value)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String describePartition(List<Operation<Input, Output>> part) {
    return part.isEmpty() ? "no key" : "key '" + part.get(0).input().key() + "'";
  }

  @Override
  public String describeOperation(Input input, Output output) {
    return switch (input.op()) {
      case GET ->
          "get('" + input.key() + "') -> " + (output == null ? "?" : "'" + output.value() + "'");
      case PUT -> "put('" + input.key() + "', '" + input.value() + "')";
      case APPEND -> "append('" + input.key() + "', '" + input.value() + "')";
    };
  }

  @Override
  public String describeState(String state) {
    return "'" + state + "'";
  }
}
