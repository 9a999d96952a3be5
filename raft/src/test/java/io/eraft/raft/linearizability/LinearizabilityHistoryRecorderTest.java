package io.eraft.raft.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.raft.linearizability.KvModel.Input;
import io.eraft.raft.linearizability.KvModel.Output;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearizabilityHistoryRecorderTest {

  @Test
  void recordsFromConcurrentClients() throws InterruptedException {
    HistoryRecorder<Input, Output> recorder = new HistoryRecorder<>();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      int client = c;
      clients.add(new Thread(() -> {
        for (int i = 0; i < 1_000; i++) {
          long start = recorder.now();
          if (i % 10 == 0) {
            recorder.recordIndeterminate(client, Input.append("k", "x"), start);
          } else {
            recorder.record(client, Input.get("k"), new Output(""), start);
          }
        }
      }));
    }
    clients.forEach(Thread::start);
    for (Thread t : clients) {
      t.join();
    }
    List<Operation<Input, Output>> history = recorder.history();
    assertEquals(8_000, history.size());
    assertEquals(800, history.stream().filter(Operation::indeterminate).count());
    assertTrue(history.stream().allMatch(op -> op.callNanos() <= op.returnNanos()));
  }
}
