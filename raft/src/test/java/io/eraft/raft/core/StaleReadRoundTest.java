package io.eraft.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.raft.storage.MemoryLogStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Regression (found in review): a follower answering an AppendEntries from an older term echoed
 * that term's ReadIndex round; once the old sender led again in the follower's term, the echo
 * confirmed a read of the new leadership without any peer acknowledging it.
 */
class StaleReadRoundTest {
  private final Map<Long, RaftCore> cores = new HashMap<>();
  private final Map<Long, MemoryLogStore> stores = new HashMap<>();
  private final List<RaftMessage> outbox = new ArrayList<>();
  private final List<ReadState> reads = new ArrayList<>();

  RaftCore make(long id) {
    MemoryLogStore s = new MemoryLogStore();
    stores.put(id, s);
    RaftCore c = new RaftCore(new CoreConfig(id, List.of(1L, 2L, 3L), 10, 1, false, false, 1 << 20, 256, 0,
        1 << 20, 0, new Random(id), LoggerFactory.getLogger("t")), s);
    cores.put(id, c);
    return c;
  }

  void drain(long id) {
    RaftCore c = cores.get(id);
    while (c.hasReady()) {
      Ready rd = c.ready();
      stores.get(id).save(rd.hardState(), rd.snapshot(), rd.entries(), true);
      outbox.addAll(rd.messages());
      outbox.addAll(rd.messagesAfterPersist());
      reads.addAll(rd.readStates());
      c.persisted(rd);
      c.advance(rd);
    }
  }

  void drainAll() {
    for (long id : cores.keySet()) {
      drain(id);
    }
  }

  /** Delivers everything, repeatedly, except messages matching hold (kept aside). */
  List<RaftMessage> deliver(Predicate<RaftMessage> drop) {
    List<RaftMessage> dropped = new ArrayList<>();
    for (int round = 0; round < 50; round++) {
      drainAll();
      if (outbox.isEmpty()) break;
      List<RaftMessage> now = new ArrayList<>(outbox);
      outbox.clear();
      for (RaftMessage m : now) {
        if (drop.test(m)) { dropped.add(m); continue; }
        cores.get(m.to()).step(m);
      }
    }
    return dropped;
  }

  void campaign(long id) {
    RaftCore c = cores.get(id);
    for (int i = 0; i < 40 && c.status().role() != Role.CANDIDATE; i++) c.tick();
    assertEquals(Role.CANDIDATE, c.status().role());
  }

  @Test
  void staleTermRejectionConfirmsReadInNewTerm() {
    make(1); make(2); make(3);
    deliver(m -> false); // the three find each other's logs empty: a new group
    campaign(1L);
    deliver(m -> false);
    assertEquals(Role.LEADER, cores.get(1L).status().role());
    long term1 = cores.get(1L).status().term();
    // bump read rounds at term1
    for (int i = 0; i < 5; i++) { cores.get(1L).readIndex(100 + i); deliver(m -> false); }
    assertTrue(reads.stream().allMatch(ReadState::succeeded));
    // one more read round; hold its heartbeat to node 2
    cores.get(1L).readIndex(200);
    List<RaftMessage> held = deliver(m -> m instanceof AppendEntries ae && ae.to() == 2 && ae.from() == 1);
    assertFalse(held.isEmpty());
    RaftMessage oldAe = held.get(held.size() - 1);
    // node 3 campaigns at term1+1, then node 1 at term1+2, wins
    campaign(3L);
    deliver(m -> m.from() == 3 && !(m instanceof RequestVote) || m.to() == 3 && m instanceof AppendEntriesResponse);
    // whoever leads, make node 1 campaign
    for (int i = 0; i < 60 && cores.get(1L).status().role() != Role.CANDIDATE; i++) { cores.get(1L).tick(); }
    deliver(m -> m instanceof AppendEntries && m.from() == 3);
    assertEquals(Role.LEADER, cores.get(1L).status().role());
    long term3 = cores.get(1L).status().term();
    assertEquals(term3, cores.get(2L).status().term());
    // node 2 now processes the delayed old-term heartbeat
    cores.get(2L).step(oldAe);
    drain(2);
    List<RaftMessage> stale = new ArrayList<>(outbox);
    outbox.clear();
    // node 1 is now cut off from both peers; a read arrives
    reads.clear();
    cores.get(1L).readIndex(999);
    drain(1);
    outbox.clear(); // heartbeats of the read round are lost
    for (RaftMessage m : stale) cores.get(1L).step(m);
    drain(1);
    outbox.clear();
    assertFalse(reads.stream().anyMatch(r -> r.requestId() == 999 && r.succeeded()),
        "read confirmed by a stale-term answer, without any peer acknowledging the new round");
  }
}
