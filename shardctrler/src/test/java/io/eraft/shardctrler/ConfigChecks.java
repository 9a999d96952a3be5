package io.eraft.shardctrler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.eraft.shardctrler.client.CtrlerClerk;
import io.eraft.shardctrler.config.ShardConfig;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * eRaft's client-side checks of the controller's configs ({@code shardctrler/test_test.go}): what
 * a clerk sees through Query, never the replicas' state (see {@link ReplicaChecks} for that).
 */
final class ConfigChecks {
  private ConfigChecks() {}

  /**
   * eRaft's {@code check(groups)}: the latest config has exactly {@code groups}, every shard is on
   * one of them (if there are any), and the sharding is balanced (max − min shards per group ≤ 1).
   *
   * @return the latest config
   */
  static ShardConfig check(CtrlerClerk ck, Collection<Integer> groups) {
    ShardConfig c = ck.query(-1);
    assertEquals(groups.size(), c.groups().size(), "wanted " + groups.size() + " groups, got " + c.groups().size());
    for (int g : groups) {
      assertTrue(c.groups().containsKey(g), "missing group " + g);
    }
    if (!groups.isEmpty()) {
      for (int s = 0; s < ShardConfig.N_SHARDS; s++) {
        int g = c.gidOf(s);
        assertTrue(c.groups().containsKey(g), "shard " + s + " -> invalid group " + g);
      }
    }
    Map<Integer, Integer> counts = new HashMap<>();
    c.shards().forEach(g -> counts.merge(g, 1, Integer::sum));
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (int g : c.groups().keySet()) {
      min = Math.min(min, counts.getOrDefault(g, 0));
      max = Math.max(max, counts.getOrDefault(g, 0));
    }
    assertTrue(c.groups().isEmpty() || max <= min + 1, "max " + max + " too much larger than min " + min);
    return c;
  }

  /** eRaft's {@code check_same_config}: number, shards, and every group's server list, in order. */
  static void checkSameConfig(ShardConfig expected, ShardConfig actual) {
    assertEquals(expected.num(), actual.num(), "Num wrong");
    assertEquals(expected.shards(), actual.shards(), "Shards wrong in config " + expected.num());
    assertEquals(expected.groups(), actual.groups(), "Groups wrong in config " + expected.num());
  }

  /** eRaft's server-list check: {@code gid} is in {@code config} with exactly {@code servers}. */
  static void checkServers(ShardConfig config, int gid, List<String> servers) {
    assertEquals(servers, config.groups().get(gid), "wrong servers for gid " + gid);
  }

  /**
   * eRaft's "minimal transfers after joins": no shard moved to one of {@code oldGids} — Join takes
   * shards only from the most-loaded groups (ERAFT-SPEC §3.3).
   */
  static void checkNoShardMovedTo(Collection<Integer> oldGids, ShardConfig before, ShardConfig after) {
    for (int g : oldGids) {
      for (int s = 0; s < ShardConfig.N_SHARDS; s++) {
        if (after.gidOf(s) == g && before.gidOf(s) != g) {
          fail("non-minimal transfer after Join()s: shard " + s + " moved from " + before.gidOf(s) + " to " + g);
        }
      }
    }
  }

  /** eRaft's "minimal transfers after leaves": every shard of {@code oldGids} stayed — Leave moves only orphans. */
  static void checkShardsStayed(Collection<Integer> oldGids, ShardConfig before, ShardConfig after) {
    for (int g : oldGids) {
      for (int s = 0; s < ShardConfig.N_SHARDS; s++) {
        if (before.gidOf(s) == g && after.gidOf(s) != g) {
          fail("non-minimal transfer after Leave()s: shard " + s + " moved from " + g + " to " + after.gidOf(s));
        }
      }
    }
  }
}
