package io.eraft.raft.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RetryTest {
  @Test
  void eRaftsTwoRedirectingAnswersAndNothingElse() {
    assertEquals(Retry.toLeader("ErrWrongLeader", "127.0.0.1:5002"), Retry.ofReply("ErrWrongLeader", "127.0.0.1:5002"));
    assertEquals(Retry.because("ErrWrongLeader"), Retry.ofReply("ErrWrongLeader", ""));
    assertEquals(Retry.because("ErrTimeout"), Retry.ofReply("ErrTimeout", ""));
    assertNull(Retry.ofReply("OK", ""));
    assertNull(Retry.ofReply("ErrNoKey", "127.0.0.1:5002"), "an answer, even one naming a leader");
  }
}
