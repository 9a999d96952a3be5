package io.eraft.shardkv.shards;

/**
 * One shard as one group knows it. Immutable.
 *
 * @param status where it stands
 * @param source {@link ShardStatus#PULLING} or {@link ShardStatus#GCING}: the group whose copy it
 *     takes over (and tells to delete it afterwards); {@link Holder#NONE} otherwise
 * @param resumed {@link ShardStatus#PULLING}: whether some of the data has arrived
 * @param pulledThrough if {@code resumed}, the last key that arrived (pages come in key order)
 */
public record ShardState(ShardStatus status, Holder source, boolean resumed, String pulledThrough) {
  public static final ShardState SERVING = new ShardState(ShardStatus.SERVING, Holder.NONE, false, "");

  static ShardState of(ShardStatus status) {
    return new ShardState(status, Holder.NONE, false, "");
  }

  static ShardState pullingFrom(Holder source) {
    return new ShardState(ShardStatus.PULLING, source, false, "");
  }

  ShardState pulledThrough(String key) {
    return new ShardState(status, source, true, key);
  }

  ShardState collecting() {
    return new ShardState(ShardStatus.GCING, source, false, "");
  }
}
