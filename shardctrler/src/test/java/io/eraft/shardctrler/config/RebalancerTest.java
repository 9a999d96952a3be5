package io.eraft.shardctrler.config;

import static io.eraft.shardctrler.config.ShardConfig.N_SHARDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RebalancerTest {
  private static Map<Integer, List<String>> groups(int... gids) {
    Map<Integer, List<String>> servers = new LinkedHashMap<>();
    for (int gid : gids) {
      servers.put(gid, List.of("g" + gid + "-a:1", "g" + gid + "-b:1"));
    }
    return servers;
  }

  private static List<Integer> shards(int... gids) {
    List<Integer> list = new ArrayList<>();
    for (int gid : gids) {
      list.add(gid);
    }
    return list;
  }

  /** ERAFT-SPEC §3.3's worked example, run against eRaft's real code. */
  @Test
  void reproducesEraftsAssignmentsShardForShard() {
    ShardConfig c = Rebalancer.join(ShardConfig.INITIAL, groups(1));
    assertEquals(shards(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), c.shards());
    c = Rebalancer.join(c, groups(2));
    assertEquals(shards(2, 2, 2, 2, 2, 1, 1, 1, 1, 1), c.shards());
    c = Rebalancer.join(c, groups(3));
    assertEquals(shards(3, 2, 2, 2, 2, 3, 3, 1, 1, 1), c.shards());
    c = Rebalancer.join(c, groups(4, 5));
    assertEquals(shards(5, 4, 4, 2, 2, 3, 3, 5, 1, 1), c.shards());
    c = Rebalancer.leave(c, List.of(2, 4));
    assertEquals(shards(5, 5, 1, 1, 3, 3, 3, 5, 1, 1), c.shards());
    c = Rebalancer.move(c, 0, 9);
    assertEquals(shards(9, 5, 1, 1, 3, 3, 3, 5, 1, 1), c.shards());
    c = Rebalancer.leave(c, List.of(1, 3, 5));
    assertEquals(shards(0, 0, 0, 0, 0, 0, 0, 0, 0, 0), c.shards());
    assertEquals(7, c.num());
    assertTrue(c.groups().isEmpty());
  }

  @Test
  void joinKeepsTheServersOfAnExistingGroupAndNumbersEveryChange() {
    ShardConfig c = Rebalancer.join(ShardConfig.INITIAL, Map.of(1, List.of("a:1")));
    ShardConfig again = Rebalancer.join(c, Map.of(1, List.of("other:1")));
    assertEquals(List.of("a:1"), again.groups().get(1));
    assertEquals(c.shards(), again.shards());
    assertEquals(2, again.num());
  }

  @Test
  void aJoinDrainsShardsMovedToGroupZeroFirst() {
    ShardConfig c = Rebalancer.join(ShardConfig.INITIAL, groups(1, 2));
    c = Rebalancer.move(c, 3, 0);
    c = Rebalancer.join(c, groups(3));
    assertTrue(!c.shards().contains(0), c.shards().toString());
  }

  /**
   * Random joins and leaves (valid ones, as the service admits them): every shard on a live group,
   * loads within one of each other, and minimal movement — a join moves shards only to the new
   * groups, a leave moves only the leaving groups' shards.
   */
  @Test
  void randomJoinsAndLeavesStayBalancedWithMinimalMovement() {
    Random random = new Random(42);
    for (int run = 0; run < 200; run++) {
      ShardConfig c = ShardConfig.INITIAL;
      int nextGid = 1;
      for (int step = 0; step < 40; step++) {
        List<Integer> live = new ArrayList<>(c.groups().keySet());
        ShardConfig next;
        if (live.isEmpty() || random.nextInt(3) > 0 && live.size() < 14) {
          int count = 1 + random.nextInt(3);
          int[] gids = new int[count];
          for (int i = 0; i < count; i++) {
            gids[i] = nextGid++;
          }
          next = Rebalancer.join(c, groups(gids));
          for (int shard = 0; shard < N_SHARDS; shard++) {
            int before = c.gidOf(shard);
            int after = next.gidOf(shard);
            assertTrue(before == after || before == 0 || !c.groups().containsKey(after),
                "join moved shard " + shard + " between existing groups " + before + " -> " + after);
          }
        } else {
          List<Integer> leaving = new ArrayList<>();
          for (int gid : live) {
            if (random.nextInt(3) == 0) {
              leaving.add(gid);
            }
          }
          next = Rebalancer.leave(c, leaving);
          for (int shard = 0; shard < N_SHARDS; shard++) {
            assertTrue(c.gidOf(shard) == next.gidOf(shard) || leaving.contains(c.gidOf(shard)),
                "leave moved shard " + shard + " of a staying group");
          }
        }
        assertEquals(c.num() + 1, next.num());
        checkBalanced(next);
        c = next;
      }
    }
  }

  private static void checkBalanced(ShardConfig c) {
    if (c.groups().isEmpty()) {
      assertEquals(ShardConfig.INITIAL.shards(), c.shards());
      return;
    }
    Map<Integer, Integer> load = new HashMap<>();
    c.groups().keySet().forEach(gid -> load.put(gid, 0));
    for (int gid : c.shards()) {
      assertTrue(c.groups().containsKey(gid), "shard on " + gid + ", not a live group: " + c);
      load.merge(gid, 1, Integer::sum);
    }
    int max = load.values().stream().max(Integer::compare).orElseThrow();
    int min = load.values().stream().min(Integer::compare).orElseThrow();
    assertTrue(max - min <= 1, "unbalanced " + load);
  }
}
