package io.eraft.shardctrler.config;

import static io.eraft.shardctrler.config.ShardConfig.N_SHARDS;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * eRaft's configuration changes with its exact, deterministic rebalancing (ERAFT-SPEC §3.2–3.3),
 * so the same sequence of commands yields the same shard assignment as eRaft, shard for shard.
 * Every change makes config {@code num + 1}. Join moves shards only from the most-loaded groups
 * until max − min ≤ 1; Leave hands only the leaving groups' shards, one by one, to the least-loaded
 * group; Move sets one shard. Ties go to the smallest gid; unassigned shards (gid 0) are handed
 * out first.
 *
 * <p>Validation (known gids, shard range) is the caller's: these functions follow eRaft even where
 * it accepts nonsense (a Move to a gid that never joined).
 */
public final class Rebalancer {
  private Rebalancer() {}

  /** Adds the groups not yet present (an existing gid keeps its servers) and rebalances. */
  public static ShardConfig join(ShardConfig latest, Map<Integer, List<String>> servers) {
    SortedMap<Integer, List<String>> groups = new TreeMap<>(latest.groups());
    servers.forEach(groups::putIfAbsent);
    SortedMap<Integer, List<Integer>> owned = shardsByGid(latest.shards(), groups);
    while (true) {
      int source = mostLoaded(owned);
      int target = leastLoaded(owned);
      if (target < 0 || (source != 0 && owned.get(source).size() - owned.get(target).size() <= 1)) {
        break;
      }
      owned.get(target).add(owned.get(source).remove(0));
    }
    return new ShardConfig(latest.num() + 1, assignment(owned), groups);
  }

  /** Removes the groups and hands their shards to the least-loaded remaining ones (all to 0 if none remain). */
  public static ShardConfig leave(ShardConfig latest, List<Integer> gids) {
    SortedMap<Integer, List<String>> groups = new TreeMap<>(latest.groups());
    SortedMap<Integer, List<Integer>> owned = shardsByGid(latest.shards(), groups);
    List<Integer> orphans = new ArrayList<>();
    for (int gid : gids) {
      groups.remove(gid);
      List<Integer> shards = owned.remove(gid);
      if (shards != null) {
        orphans.addAll(shards);
      }
    }
    if (groups.isEmpty()) {
      return new ShardConfig(latest.num() + 1, new ArrayList<>(ShardConfig.INITIAL.shards()), groups);
    }
    for (int shard : orphans) {
      owned.get(leastLoaded(owned)).add(shard);
    }
    return new ShardConfig(latest.num() + 1, assignment(owned), groups);
  }

  /** Assigns {@code shard} to {@code gid}; no rebalancing. */
  public static ShardConfig move(ShardConfig latest, int shard, int gid) {
    List<Integer> shards = new ArrayList<>(latest.shards());
    shards.set(shard, gid);
    return new ShardConfig(latest.num() + 1, shards, latest.groups());
  }

  /** eRaft's Group2Shards: every configured gid, plus every gid owning a shard, to its shards in order. */
  private static SortedMap<Integer, List<Integer>> shardsByGid(List<Integer> shards,
      SortedMap<Integer, List<String>> groups) {
    SortedMap<Integer, List<Integer>> owned = new TreeMap<>();
    groups.keySet().forEach(gid -> owned.put(gid, new ArrayList<>()));
    for (int shard = 0; shard < N_SHARDS; shard++) {
      owned.computeIfAbsent(shards.get(shard), gid -> new ArrayList<>()).add(shard);
    }
    return owned;
  }

  /** eRaft's MaxGid: gid 0 while it holds shards, else the gid with most shards (smallest on ties). */
  private static int mostLoaded(SortedMap<Integer, List<Integer>> owned) {
    List<Integer> unassigned = owned.get(0);
    if (unassigned != null && !unassigned.isEmpty()) {
      return 0;
    }
    int best = -1;
    int bestCount = -1;
    for (Map.Entry<Integer, List<Integer>> e : owned.entrySet()) {
      if (e.getValue().size() > bestCount) {
        best = e.getKey();
        bestCount = e.getValue().size();
      }
    }
    return best;
  }

  /** eRaft's MinGid: the non-zero gid with fewest shards (smallest on ties), or -1 if there is none. */
  private static int leastLoaded(SortedMap<Integer, List<Integer>> owned) {
    int best = -1;
    int bestCount = N_SHARDS + 1;
    for (Map.Entry<Integer, List<Integer>> e : owned.entrySet()) {
      if (e.getKey() != 0 && e.getValue().size() < bestCount) {
        best = e.getKey();
        bestCount = e.getValue().size();
      }
    }
    return best;
  }

  private static List<Integer> assignment(SortedMap<Integer, List<Integer>> owned) {
    Integer[] shards = new Integer[N_SHARDS];
    Arrays.fill(shards, 0);
    owned.forEach((gid, list) -> list.forEach(shard -> shards[shard] = gid));
    return Arrays.asList(shards);
  }
}
