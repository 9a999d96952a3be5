package io.eraft.shardctrler.config;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One numbered configuration (eRaft's {@code Config}): which replica group serves each of the
 * {@link #N_SHARDS} shards, and the servers of every group. Gid 0 means "no group". Immutable.
 *
 * @param num the configuration's number; config 0 is the initial one, with no groups
 * @param shards shard → gid, {@link #N_SHARDS} entries
 * @param groups gid → the group's server addresses, in gid order
 */
public record ShardConfig(long num, List<Integer> shards, SortedMap<Integer, List<String>> groups) {
  /** eRaft's {@code NShards}: fixed, since it decides which shard a key belongs to. */
  public static final int N_SHARDS = 10;

  /** Config 0: every shard unassigned, no groups. */
  public static final ShardConfig INITIAL = new ShardConfig(0, Collections.nCopies(N_SHARDS, 0), new TreeMap<>());

  public ShardConfig {
    if (shards.size() != N_SHARDS) {
      throw new IllegalArgumentException("a config assigns " + N_SHARDS + " shards, got " + shards.size());
    }
    shards = List.copyOf(shards);
    SortedMap<Integer, List<String>> copy = new TreeMap<>();
    groups.forEach((gid, servers) -> copy.put(gid, List.copyOf(servers)));
    groups = Collections.unmodifiableSortedMap(copy);
  }

  /** The gid serving {@code shard}. */
  public int gidOf(int shard) {
    return shards.get(shard);
  }
}
