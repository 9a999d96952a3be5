package io.eraft.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.eraft.raft.storage.MemoryLogStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A follower that keeps rejecting costs its leader one probe per heartbeat interval, never a loop
 * at network speed. Regression: a node that had lost its log (but kept a hard state, so it did not
 * say it was recovering) rejected every AppendEntries at the index it had acknowledged, and the
 * leader answered each rejection with another probe at once — about 117,000 messages a second.
 */
class ProbePacingTest {
  private static final int HEARTBEAT_TICKS = 2;
  private static final List<Long> PEERS = List.of(1L, 2L, 3L);

  private final Map<Long, RaftCore> cores = new HashMap<>();
  private final Map<Long, MemoryLogStore> stores = new HashMap<>();
  private final List<RaftMessage> outbox = new ArrayList<>();

  @Test
  void followerThatLostItsLogSilentlyIsProbedOncePerHeartbeat() {
    for (long id : PEERS) {
      start(id, new MemoryLogStore());
    }
    assertTrue(deliverUntilQuiet() < 50);
    RaftCore leader = cores.get(1L);
    for (int i = 0; i < 40 && leader.status().role() != Role.LEADER; i++) {
      leader.tick();
      deliverUntilQuiet();
    }
    assertEquals(Role.LEADER, leader.status().role());
    leader.propose(List.of(ByteString.copyFromUtf8("a"), ByteString.copyFromUtf8("b")));
    deliverUntilQuiet();
    for (int t = 0; t < HEARTBEAT_TICKS; t++) {
      leader.tick(); // the next heartbeat carries the commit index
    }
    deliverUntilQuiet();
    assertEquals(3, cores.get(3L).status().commitIndex());

    // Node 3 comes back with its hard state but without its log, so it does not say it lost state.
    MemoryLogStore forgetful = new MemoryLogStore();
    forgetful.save(new HardState(leader.status().term(), HardState.NO_VOTE, 0), SnapshotMeta.EMPTY, List.of(), true);
    start(3L, forgetful);
    leader.reportUnreachable(3L); // its connection broke as it restarted: the leader probes it

    int intervals = 20;
    int appendsToForgetful = 0;
    for (int interval = 0; interval < intervals; interval++) {
      for (int t = 0; t < HEARTBEAT_TICKS; t++) {
        leader.tick();
      }
      List<RaftMessage> sent = new ArrayList<>();
      int rounds = deliverUntilQuiet(sent);
      assertTrue(rounds < 10, "the leader and node 3 kept exchanging messages for " + rounds + " rounds");
      appendsToForgetful += (int) sent.stream().filter(m -> m instanceof AppendEntries && m.to() == 3).count();
    }
    // One heartbeat and at most one probe per interval.
    assertTrue(appendsToForgetful <= 2 * intervals,
        appendsToForgetful + " AppendEntries to the rejecting follower in " + intervals + " heartbeat intervals");
    assertEquals(Role.LEADER, leader.status().role());
  }

  private void start(long id, MemoryLogStore store) {
    stores.put(id, store);
    cores.put(id, new RaftCore(new CoreConfig(id, PEERS, 10, HEARTBEAT_TICKS, false, false, 1 << 20, 256, 0,
        1 << 20, 0, new Random(id), LoggerFactory.getLogger("t")), store));
  }

  private int deliverUntilQuiet() {
    return deliverUntilQuiet(new ArrayList<>());
  }

  /** Runs every core's Ready cycle and delivers what they send until nothing moves; returns the rounds. */
  private int deliverUntilQuiet(List<RaftMessage> sent) {
    for (int round = 0; round < 50; round++) {
      for (long id : PEERS) {
        RaftCore c = cores.get(id);
        while (c.hasReady()) {
          Ready rd = c.ready();
          stores.get(id).save(rd.hardState(), rd.snapshot(), rd.entries(), true);
          outbox.addAll(rd.messages());
          outbox.addAll(rd.messagesAfterPersist());
          c.persisted(rd);
          c.advance(rd);
        }
      }
      if (outbox.isEmpty()) {
        return round;
      }
      List<RaftMessage> now = new ArrayList<>(outbox);
      outbox.clear();
      sent.addAll(now);
      for (RaftMessage m : now) {
        cores.get(m.to()).step(m);
      }
    }
    return 50;
  }
}
