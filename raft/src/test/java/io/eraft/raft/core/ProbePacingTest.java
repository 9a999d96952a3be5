package io.eraft.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.eraft.raft.storage.MemoryLogStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A follower that keeps rejecting costs its leader one probe per heartbeat interval, never a loop
 * at network speed. Regression: a node that had lost its log (but kept a hard state, so it did not
 * say it was recovering) rejected every AppendEntries at the index it had acknowledged, and the
 * leader answered each rejection with another probe at once — about 117,000 messages a second.
 */
class ProbePacingTest {
  private static final int HEARTBEAT_TICKS = 2;

  private final HandDrivenCores c = new HandDrivenCores(List.of(1L, 2L, 3L), 10, HEARTBEAT_TICKS);

  @Test
  void followerThatLostItsLogSilentlyIsProbedOncePerHeartbeat() {
    for (long id = 1; id <= 3; id++) {
      c.start(id, new MemoryLogStore());
    }
    assertTrue(c.deliver(m -> false).rounds() < 50);
    RaftCore leader = c.core(1L);
    for (int i = 0; i < 40 && leader.status().role() != Role.LEADER; i++) {
      leader.tick();
      c.deliverAll();
    }
    assertEquals(Role.LEADER, leader.status().role());
    leader.propose(List.of(ByteString.copyFromUtf8("a"), ByteString.copyFromUtf8("b")));
    c.deliverAll();
    heartbeatInterval(leader);
    c.deliverAll(); // the heartbeat carries the commit index
    assertEquals(3, c.core(3L).status().commitIndex());

    // Node 3 comes back with its hard state but without its log, so it does not say it lost state.
    MemoryLogStore forgetful = new MemoryLogStore();
    forgetful.save(new HardState(leader.status().term(), HardState.NO_VOTE, 0), SnapshotMeta.EMPTY, List.of(), true);
    c.start(3L, forgetful);
    leader.reportUnreachable(3L); // its connection broke as it restarted: the leader probes it

    int intervals = 20;
    int appendsToForgetful = 0;
    for (int interval = 0; interval < intervals; interval++) {
      heartbeatInterval(leader);
      HandDrivenCores.Delivery d = c.deliver(m -> false);
      assertTrue(d.rounds() < 10, "the leader and node 3 kept exchanging messages for " + d.rounds() + " rounds");
      appendsToForgetful += (int) d.delivered().stream().filter(m -> m instanceof AppendEntries && m.to() == 3).count();
    }
    // One heartbeat and at most one probe per interval.
    assertTrue(appendsToForgetful <= 2 * intervals,
        appendsToForgetful + " AppendEntries to the rejecting follower in " + intervals + " heartbeat intervals");
    assertEquals(Role.LEADER, leader.status().role());
  }

  private static void heartbeatInterval(RaftCore leader) {
    for (int t = 0; t < HEARTBEAT_TICKS; t++) {
      leader.tick();
    }
  }
}
