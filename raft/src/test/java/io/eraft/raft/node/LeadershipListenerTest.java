package io.eraft.raft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.raft.cluster.LocalRaftCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real nodes over gRPC tell their listeners when they start and stop leading. */
class LeadershipListenerTest {
  private static final int SERVERS = 3;

  @TempDir Path dir;
  private LocalRaftCluster cluster;
  private final List<List<String>> events = new ArrayList<>();

  @AfterEach
  void stopAll() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void listenersFollowLeadershipAcrossAFailover() throws Exception {
    for (int i = 0; i < SERVERS; i++) {
      events.add(Collections.synchronizedList(new ArrayList<>()));
    }
    cluster = LocalRaftCluster.grpc(SERVERS, dir, b -> b)
        .withLeadershipListeners(i -> (leading, term) -> events.get(i).add((leading ? "leads " : "left ") + term))
        .startAll();
    int first = cluster.awaitLeader();
    long firstTerm = cluster.node(first).status().term();
    LocalRaftCluster.awaitCondition(() -> events.get(first).contains("leads " + firstTerm));

    cluster.stop(first);
    List<String> seen = List.copyOf(events.get(first));
    assertEquals(List.of("leads " + firstTerm, "left " + firstTerm), seen.subList(seen.size() - 2, seen.size()),
        "a leader that stops is told it no longer leads");
    int second = cluster.awaitLeaderAmong(first);
    long secondTerm = cluster.node(second).status().term();
    LocalRaftCluster.awaitCondition(() -> events.get(second).contains("leads " + secondTerm));
    assertTrue(secondTerm > firstTerm);
    for (int i = 0; i < SERVERS; i++) {
      List<String> told = List.copyOf(events.get(i));
      for (int k = 0; k < told.size(); k++) {
        assertTrue(told.get(k).startsWith(k % 2 == 0 ? "leads " : "left "), "node " + i + " alternates: " + told);
      }
    }
  }
}
