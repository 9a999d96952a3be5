package io.eraft.raft.linearizability;

import io.eraft.raft.linearizability.KvModel.Input;
import io.eraft.raft.linearizability.KvModel.Op;
import io.eraft.raft.linearizability.KvModel.Output;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds KV histories that are linearizable by construction: operations are executed one after
 * another on a real map at increasing instants, and each is given a random call/return interval
 * around its instant. Each client issues one operation at a time. Some operations are
 * indeterminate: their client gave up, and a write among them took effect or not at random.
 */
final class RandomKvHistory {
  private static final long STEP_NANOS = 1_000;
  private static final long ORIGIN_NANOS = 1_000_000_000L;

  private RandomKvHistory() {}

  static List<Operation<Input, Output>> generate(
      long seed, int operations, int clients, int keys, double indeterminateRate) {
    SplittableRandom random = new SplittableRandom(seed);
    long maxSpread = clients * STEP_NANOS;
    long[] clientFree = new long[clients];
    Map<String, String> store = new HashMap<>();
    List<Operation<Input, Output>> history = new ArrayList<>();
    long instant = ORIGIN_NANOS;
    for (int i = 0; i < operations; i++) {
      instant += STEP_NANOS;
      int client = random.nextInt(clients);
      // The client's previous operation must have returned before this one is called.
      instant = Math.max(instant, clientFree[client] + 2);
      long idle = instant - clientFree[client] - 1;
      long call = instant - 1 - random.nextLong(Math.min(idle, maxSpread));
      long ret = instant + 1 + random.nextLong(maxSpread);
      clientFree[client] = ret;
      String key = "k" + random.nextInt(keys);
      Input input = randomInput(random, key, "c" + client + "." + i + ";");
      if (random.nextDouble() < indeterminateRate) {
        if (random.nextBoolean()) {
          apply(store, input);
        }
        // What the client would have been told is unknown; garbage must be ignored.
        history.add(
            new Operation<>(client, input, new Output("lost"), call, Operation.NEVER_RETURNED));
      } else {
        history.add(new Operation<>(client, input, apply(store, input), call, ret));
      }
    }
    return history;
  }

  private static Input randomInput(SplittableRandom random, String key, String value) {
    int dice = random.nextInt(100);
    if (dice < 50) {
      return Input.get(key);
    }
    return dice < 65 ? Input.put(key, value) : Input.append(key, value);
  }

  private static Output apply(Map<String, String> store, Input input) {
    String current = store.getOrDefault(input.key(), "");
    if (input.op() == Op.GET) {
      return new Output(current);
    }
    store.put(input.key(), input.op() == Op.PUT ? input.value() : current + input.value());
    return KvModel.NONE;
  }
}
