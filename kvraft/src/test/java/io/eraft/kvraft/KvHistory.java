package io.eraft.kvraft;

import io.eraft.raft.linearizability.HistoryRecorder;
import io.eraft.raft.linearizability.KvModel;
import io.eraft.raft.linearizability.Linearizability;
import java.time.Duration;

/**
 * Everything a KV test's clerks did (eRaft's {@code OpLog}), to be checked against eRaft's KV
 * model once the test is done. Thread-safe.
 */
final class KvHistory {
  /**
   * How long the check may take. eRaft allows 1 s and passes a check that does not finish; here it
   * fails, so the budget is generous: the largest histories (15 clients) take well under a second.
   */
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);

  private final HistoryRecorder<KvModel.Input, KvModel.Output> recorder = new HistoryRecorder<>();

  HistoryRecorder<KvModel.Input, KvModel.Output> recorder() {
    return recorder;
  }

  int size() {
    return recorder.history().size();
  }

  void assertLinearizable() {
    Linearizability.assertLinearizable(new KvModel(), recorder.history(), CHECK_TIMEOUT);
  }
}
