package io.eraft.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.raft.storage.MemoryLogStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regression (found in review): a follower answering an AppendEntries from an older term echoed
 * that term's ReadIndex round; once the old sender led again in the follower's term, the echo
 * confirmed a read of the new leadership without any peer acknowledging it.
 */
class StaleReadRoundTest {
  private final HandDrivenCores c = new HandDrivenCores(List.of(1L, 2L, 3L), 10, 1);

  void campaign(long id) {
    RaftCore core = c.core(id);
    for (int i = 0; i < 40 && core.status().role() != Role.CANDIDATE; i++) core.tick();
    assertEquals(Role.CANDIDATE, core.status().role());
  }

  @Test
  void staleTermRejectionConfirmsReadInNewTerm() {
    for (long id = 1; id <= 3; id++) c.start(id, new MemoryLogStore());
    c.deliverAll(); // the three find each other's logs empty: a new group
    campaign(1L);
    c.deliverAll();
    assertEquals(Role.LEADER, c.core(1L).status().role());
    // bump read rounds at term1
    for (int i = 0; i < 5; i++) { c.core(1L).readIndex(100 + i); c.deliverAll(); }
    assertTrue(c.reads().stream().allMatch(ReadState::succeeded));
    // one more read round; hold its heartbeat to node 2
    c.core(1L).readIndex(200);
    List<RaftMessage> held = c.deliver(m -> m instanceof AppendEntries ae && ae.to() == 2 && ae.from() == 1).held();
    assertFalse(held.isEmpty());
    RaftMessage oldAe = held.get(held.size() - 1);
    // node 3 campaigns at term1+1, then node 1 at term1+2, wins
    campaign(3L);
    c.deliver(m -> m.from() == 3 && !(m instanceof RequestVote) || m.to() == 3 && m instanceof AppendEntriesResponse);
    // whoever leads, make node 1 campaign
    for (int i = 0; i < 60 && c.core(1L).status().role() != Role.CANDIDATE; i++) { c.core(1L).tick(); }
    c.deliver(m -> m instanceof AppendEntries && m.from() == 3);
    assertEquals(Role.LEADER, c.core(1L).status().role());
    long term3 = c.core(1L).status().term();
    assertEquals(term3, c.core(2L).status().term());
    // node 2 now processes the delayed old-term heartbeat
    c.core(2L).step(oldAe);
    c.drain(2);
    List<RaftMessage> stale = c.takeOutbox();
    // node 1 is now cut off from both peers; a read arrives
    c.reads().clear();
    c.core(1L).readIndex(999);
    c.drain(1);
    c.takeOutbox(); // heartbeats of the read round are lost
    for (RaftMessage m : stale) c.core(1L).step(m);
    c.drain(1);
    c.takeOutbox();
    assertFalse(c.reads().stream().anyMatch(r -> r.requestId() == 999 && r.succeeded()),
        "read confirmed by a stale-term answer, without any peer acknowledging the new round");
  }
}
