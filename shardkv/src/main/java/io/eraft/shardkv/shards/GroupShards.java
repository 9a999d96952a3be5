package io.eraft.shardkv.shards;

import io.eraft.shardctrler.config.ShardConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one replica group knows about the shards (eRaft's {@code currentConfig} and
 * {@code shardStatus}), and the rules by which that changes (ERAFT-SPEC §4.5), kept free of I/O so
 * they can be tested alone. Immutable: every change returns a new value.
 *
 * <p><b>Where a shard's data comes from.</b> A shard given to this group is pulled from its
 * previous owner, as in eRaft. A shard that comes from gid 0 — every group had left — is pulled
 * from its <em>holder</em>: the last group that owned it, which kept the data {@link
 * ShardStatus#PARKED} (eRaft keeps it forever and serves it stale if the shard comes back). Every
 * group applies every configuration, so every group knows each shard's holder.
 *
 * <p><b>One configuration at a time.</b> The next configuration is taken only when every shard is
 * {@link ShardStatus#SERVING} or {@link ShardStatus#PARKED}: a pull or a deletion in progress must
 * finish in the configuration it belongs to. Parked shards do not hold the group back, since nobody
 * may want them for a long time.
 */
public final class GroupShards {
  private final int gid;
  private final ShardConfig config;
  private final List<ShardState> shards;
  private final List<Holder> holders;

  GroupShards(int gid, ShardConfig config, List<ShardState> shards, List<Holder> holders) {
    if (shards.size() != ShardConfig.N_SHARDS || holders.size() != ShardConfig.N_SHARDS) {
      throw new IllegalArgumentException("a group knows " + ShardConfig.N_SHARDS + " shards, got " + shards.size()
          + " states and " + holders.size() + " holders");
    }
    this.gid = gid;
    this.config = config;
    this.shards = List.copyOf(shards);
    this.holders = List.copyOf(holders);
  }

  /** A new group: configuration 0, no shard owned, none ever held. */
  public static GroupShards initial(int gid) {
    return new GroupShards(gid, ShardConfig.INITIAL, Collections.nCopies(ShardConfig.N_SHARDS, ShardState.SERVING),
        Collections.nCopies(ShardConfig.N_SHARDS, Holder.NONE));
  }

  public int gid() {
    return gid;
  }

  /** The configuration this group has applied. */
  public ShardConfig config() {
    return config;
  }

  public ShardState shard(int shard) {
    return shards.get(shard);
  }

  /** The last group that owned {@code shard} ({@link Holder#NONE} if none ever did). */
  public Holder holder(int shard) {
    return holders.get(shard);
  }

  /** Whether the configuration gives {@code shard} to this group. */
  public boolean owns(int shard) {
    return config.gidOf(shard) == gid;
  }

  /** eRaft's {@code canServe}: owned, and its data is here (Serving, or GCing: arrived, old copy not yet deleted). */
  public boolean canServe(int shard) {
    ShardStatus status = shards.get(shard).status();
    return owns(shard) && (status == ShardStatus.SERVING || status == ShardStatus.GCING);
  }

  /** Whether this group may take the next configuration: no shard is moving. */
  public boolean readyForNextConfig() {
    return shards.stream().allMatch(s -> s.status() == ShardStatus.SERVING || s.status() == ShardStatus.PARKED);
  }

  /** Whether this group holds data of {@code shard}: owned and served, or waiting to be pulled. */
  public boolean holdsData(int shard) {
    ShardStatus status = shards.get(shard).status();
    return status != ShardStatus.SERVING || owns(shard);
  }

  /**
   * The shards in {@code status}, grouped by the group they come from (Pulling, GCing), in shard
   * order.
   */
  public Map<Holder, List<Integer>> bySource(ShardStatus status) {
    Map<Holder, List<Integer>> grouped = new LinkedHashMap<>();
    for (int s = 0; s < shards.size(); s++) {
      if (shards.get(s).status() == status) {
        grouped.computeIfAbsent(shards.get(s).source(), h -> new ArrayList<>()).add(s);
      }
    }
    return grouped;
  }

  /**
   * Takes configuration {@code next} (eRaft's {@code updateShardStatus}, with holders): a shard
   * given to this group starts pulling from where its data is, one taken away waits to be pulled
   * (or parks, if no group gets it).
   *
   * @throws IllegalStateException unless {@code next} is the next number and this group is
   *     {@linkplain #readyForNextConfig ready}
   */
  public GroupShards withConfig(ShardConfig next) {
    if (next.num() != config.num() + 1) {
      throw new IllegalStateException("configuration " + next.num() + " does not follow " + config.num());
    }
    if (!readyForNextConfig()) {
      throw new IllegalStateException("shards are still moving in configuration " + config.num());
    }
    List<ShardState> nextShards = new ArrayList<>(shards);
    List<Holder> nextHolders = new ArrayList<>(holders);
    for (int s = 0; s < ShardConfig.N_SHARDS; s++) {
      int from = config.gidOf(s);
      int to = next.gidOf(s);
      boolean parkedHere = shards.get(s).status() == ShardStatus.PARKED;
      if (from != gid && to == gid) {
        Holder source = from != 0 ? new Holder(from, config.groups().get(from)) : holders.get(s);
        boolean dataHere = source.isNone() || source.gid() == gid;
        nextShards.set(s, dataHere ? ShardState.SERVING : ShardState.pullingFrom(source));
      } else if (from == gid && to != gid) {
        nextShards.set(s, ShardState.of(to == 0 ? ShardStatus.PARKED : ShardStatus.BE_PULLING));
      } else if (parkedHere && to != 0) {
        nextShards.set(s, ShardState.of(ShardStatus.BE_PULLING));
      }
      if (to != 0) {
        nextHolders.set(s, new Holder(to, next.groups().get(to)));
      }
    }
    return new GroupShards(gid, next, nextShards, nextHolders);
  }

  /**
   * Whether a piece of {@code shard}'s data pulled for configuration {@code configNum} continues
   * exactly where the data that arrived so far ends. Anything else is a stale or repeated page.
   */
  public boolean takesPiece(long configNum, int shard, boolean resumed, String resumedAfter) {
    ShardState state = shards.get(shard);
    return configNum == config.num() && state.status() == ShardStatus.PULLING && state.resumed() == resumed
        && (!resumed || state.pulledThrough().equals(resumedAfter));
  }

  /**
   * A piece of {@code shard} arrived, ending at {@code lastKey}; if it completes the shard, the
   * shard is served from now on and its old copy is to be deleted (Pulling → GCing).
   */
  public GroupShards withPiece(int shard, String lastKey, boolean complete) {
    ShardState state = shards.get(shard);
    if (state.status() != ShardStatus.PULLING) {
      throw new IllegalStateException("shard " + shard + " is " + state.status().wire() + ", not Pulling");
    }
    return with(shard, complete ? state.collecting() : state.pulledThrough(lastKey));
  }

  /**
   * Deletion of {@code shard}'s old copy, for configuration {@code configNum}: a GCing shard here
   * learnt that its source deleted it (GCing → Serving), a BePulling one was taken over and its data
   * is to be deleted (BePulling → Serving, not owned). Null if the deletion does not apply to it
   * (stale or repeated).
   */
  public GroupShards withCollected(long configNum, int shard) {
    ShardStatus status = shards.get(shard).status();
    if (configNum != config.num() || (status != ShardStatus.GCING && status != ShardStatus.BE_PULLING)) {
      return null;
    }
    return with(shard, ShardState.SERVING);
  }

  private GroupShards with(int shard, ShardState state) {
    List<ShardState> nextShards = new ArrayList<>(shards);
    nextShards.set(shard, state);
    return new GroupShards(gid, config, nextShards, holders);
  }

  List<ShardState> shards() {
    return shards;
  }

  List<Holder> holders() {
    return holders;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("GroupShards[gid ").append(gid).append(", config ").append(config.num());
    for (int s = 0; s < shards.size(); s++) {
      b.append(", ").append(s).append('=').append(shards.get(s).status().wire());
    }
    return b.append(']').toString();
  }
}
