package io.eraft.shardctrler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.raft.core.Entry;
import io.eraft.shardctrler.client.CtrlerClerk;
import io.eraft.shardctrler.config.ShardConfig;
import io.eraft.shardctrler.server.ConfigStateMachine;
import io.eraft.shardctrler.sim.CtrlerSimCluster;
import java.util.List;

/**
 * Checks eRaft's controller tests do not make, on the replicas themselves rather than through a
 * clerk: a clerk sees one replica's answer, so a replica that numbered a config differently (as
 * eRaft's do after a restart, ERAFT-SPEC §3.4) or that wrote Queries into its log (as eRaft's do,
 * §9 item 11) would pass eRaft's checks. Call them with every running replica connected and no
 * clerk busy.
 */
final class ReplicaChecks {
  private ReplicaChecks() {}

  /**
   * Once every running replica has applied the same last index (a liveness guard, no fixed
   * sleep), each one's state machine holds the same config under every number, and the same latest.
   */
  static void assertReplicasAgree(CtrlerSimCluster cluster) {
    long applied = cluster.awaitAllApplied();
    List<Integer> running = cluster.all().stream().filter(cluster::running).toList();
    int first = running.get(0);
    ConfigStateMachine reference = cluster.machine(first);
    ShardConfig latest = reference.latest();
    for (int i : running.subList(1, running.size())) {
      ConfigStateMachine machine = cluster.machine(i);
      assertEquals(latest, machine.latest(), "replicas " + first + " and " + i + " have different latest configs"
          + " after applying index " + applied);
      for (long num = 0; num <= latest.num(); num++) {
        assertEquals(reference.config(num), machine.config(num), "replicas " + first + " and " + i
            + " differ on config " + num + " after applying index " + applied);
      }
    }
  }

  /**
   * {@code queries} Queries, of the latest and of every older number in turn, answer correctly and
   * add no entry to any replica's Raft log: Query is served through ReadIndex. An election in the
   * meantime would append its leader's no-op, which is no Query, so only no-ops are tolerated; in a
   * calm run the last log index is simply unchanged.
   */
  static void assertQueriesStayOutOfTheLog(CtrlerSimCluster cluster, CtrlerClerk ck, int queries) {
    cluster.awaitAllApplied();
    long[] lastIndex = new long[cluster.size()];
    for (int i = 0; i < cluster.size(); i++) {
      lastIndex[i] = cluster.lastLogIndex(i);
    }
    ShardConfig latest = cluster.machine(cluster.leader()).latest();
    for (int q = 0; q < queries; q++) {
      int num = q % 2 == 0 ? -1 : (int) ((q / 2) % (latest.num() + 1));
      ShardConfig answer = ck.query(num);
      assertEquals(num < 0 ? latest.num() : num, answer.num(), "Query(" + num + ")");
    }
    for (int i = 0; i < cluster.size(); i++) {
      List<Entry> appended = cluster.entriesAfter(i, lastIndex[i]);
      assertTrue(appended.stream().allMatch(Entry::isNoop), "replica " + i + "'s log grew from index "
          + lastIndex[i] + " to " + cluster.lastLogIndex(i) + " with commands while only Queries were sent");
    }
  }
}
