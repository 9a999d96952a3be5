package io.eraft.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.eraft.raft.storage.MemoryLogStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An AppendEntries the network loses while the leader pipelines (its follower in Replicate) is
 * found by the next heartbeat's answer and sent again, though nothing more is proposed.
 * Regression: the leader sent only entries after the lost ones, so in an idle group the follower
 * stayed behind until the next proposal (a simulation saw a controller miss the last entry for
 * 30 s).
 */
class LostAppendTest {
  private static final int HEARTBEAT_TICKS = 2;

  private final HandDrivenCores c = new HandDrivenCores(List.of(1L, 2L, 3L), 10, HEARTBEAT_TICKS);

  @Test
  void aLostAppendIsResentAfterAHeartbeatInAnIdleGroup() {
    for (long id = 1; id <= 3; id++) {
      c.start(id, new MemoryLogStore());
    }
    c.deliverAll();
    RaftCore leader = c.core(1L);
    for (int i = 0; i < 40 && leader.status().role() != Role.LEADER; i++) {
      leader.tick();
      c.deliverAll();
    }
    assertEquals(Role.LEADER, leader.status().role());
    leader.propose(List.of(ByteString.copyFromUtf8("a")));
    c.deliverAll(); // every follower acknowledges: the leader now pipelines to each

    leader.propose(List.of(ByteString.copyFromUtf8("b")));
    HandDrivenCores.Delivery lost = c.deliver(m -> m instanceof AppendEntries a && a.to() == 3 && !a.entries().isEmpty());
    assertEquals(1, lost.held().size(), "the append carrying b to node 3 is lost");
    long last = leader.status().lastIndex();
    assertEquals(last - 1, c.core(3L).status().lastIndex());

    for (int interval = 0; interval < 3; interval++) {
      for (int t = 0; t < HEARTBEAT_TICKS; t++) {
        leader.tick();
      }
      c.deliverAll();
    }
    assertEquals(last, c.core(3L).status().lastIndex(), "node 3 still misses the lost entry");
    assertEquals(last, c.core(3L).status().commitIndex());
  }
}
