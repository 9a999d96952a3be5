package io.eraft.shardctrler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.raft.sim.SimSeeds;
import io.eraft.raft.sim.service.SpawnedClients;
import io.eraft.shardctrler.client.CtrlerClerk;
import io.eraft.shardctrler.config.ShardConfig;
import io.eraft.shardctrler.sim.CtrlerSimCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random joins, leaves and moves from concurrent clerks over an unreliable network while replicas
 * crash and restart one at a time. Each clerk only names gids it joined itself, so every command is
 * valid whatever the interleaving, and each one acknowledged must have made exactly one config: a
 * retry whose first attempt was applied (its reply lost, or its server crashed after applying) is
 * answered from the duplicate table, neither refused nor applied again. Then every config in the
 * history keeps every shard on one of its groups, and every replica holds the same history.
 */
class CtrlerRandomCommandsTest {
  private static final int CLERKS = 4;
  private static final int COMMANDS_PER_CLERK = 25;
  private static final int MAX_RESTARTS = 8;

  @RegisterExtension final SimSeeds seeds = new SimSeeds();
  @TempDir Path dir;

  @Test
  void everyAcknowledgedCommandMakesExactlyOneConfigAndReplicasAgree() throws Exception {
    try (CtrlerSimCluster cluster = CtrlerSimCluster.start(3, seeds.next(), dir)) {
      cluster.setUnreliable(true);
      List<CtrlerClerk> clerks = new ArrayList<>();
      for (int c = 0; c < CLERKS; c++) {
        clerks.add(cluster.makeClient(cluster.all()).clerk());
      }
      Set<Integer> remaining = new TreeSet<>();
      try (SpawnedClients<Set<Integer>> clients = SpawnedClients.start(CLERKS,
          c -> runClerk(clerks.get(c), c, new Random(cluster.seed() + c)))) {
        Random faults = new Random(cluster.seed());
        for (int restarts = 0; restarts < MAX_RESTARTS && !clients.allEnded(); restarts++) {
          // Mostly the leader: its successor may not yet have applied what it committed, the
          // moment at which a retried command must be recognised rather than re-validated.
          int victim = faults.nextInt(4) == 0 ? faults.nextInt(cluster.size()) : cluster.leader();
          cluster.shutdownServer(victim);
          Thread.sleep(100 + faults.nextInt(300)); // pacing of the fault, not a wait for an outcome
          cluster.startServer(victim);
          cluster.connectAll();
          Thread.sleep(200 + faults.nextInt(300));
        }
        clients.awaitAll().forEach(remaining::addAll);
      }
      cluster.setUnreliable(false);

      CtrlerClerk ck = cluster.makeClient(cluster.all()).clerk();
      ShardConfig latest = ck.query(-1);
      assertEquals(CLERKS * COMMANDS_PER_CLERK, latest.num(),
          "every acknowledged command makes exactly one config (a retry is not applied twice)");
      assertEquals(remaining, latest.groups().keySet(), "the groups joined and not left");
      for (long num = 0; num <= latest.num(); num++) {
        ShardConfig config = ck.query((int) num);
        assertEquals(num, config.num());
        for (int shard = 0; shard < ShardConfig.N_SHARDS; shard++) {
          int gid = config.gidOf(shard);
          assertTrue(config.groups().isEmpty() ? gid == 0 : config.groups().containsKey(gid),
              "config " + num + " puts shard " + shard + " on gid " + gid + ", not one of " + config.groups().keySet());
        }
      }
      ReplicaChecks.assertReplicasAgree(cluster);
    }
  }

  /** Clerk {@code c}'s random commands, naming only its own gids; returns the gids it leaves joined. */
  private static Set<Integer> runClerk(CtrlerClerk clerk, int c, Random random) {
    Set<Integer> joined = new TreeSet<>();
    int nextGid = 1000 * (c + 1);
    for (int i = 0; i < COMMANDS_PER_CLERK; i++) {
      int choice = joined.isEmpty() ? 0 : random.nextInt(3);
      if (choice == 0) {
        int gid = nextGid++;
        clerk.join(Map.of(gid, List.of("g" + gid + "-a:1", "g" + gid + "-b:1")));
        joined.add(gid);
      } else if (choice == 1) {
        int gid = pick(joined, random);
        clerk.leave(List.of(gid));
        joined.remove(gid);
      } else {
        clerk.move(random.nextInt(ShardConfig.N_SHARDS), pick(joined, random));
      }
    }
    return joined;
  }

  private static int pick(Set<Integer> gids, Random random) {
    return new ArrayList<>(gids).get(random.nextInt(gids.size()));
  }
}
