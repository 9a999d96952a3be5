package io.eraft.shardkv.shards;

/**
 * Where one shard stands in one group (eRaft's {@code ShardStatus}, plus {@link #PARKED}). The
 * wire names are eRaft's strings, shown by GetStatus.
 */
public enum ShardStatus {
  /** Owned and served here, or (when the configuration names another group) held nowhere here. */
  SERVING("Serving"),
  /** Owned here; its data is being pulled from the group that held it. Not served yet. */
  PULLING("Pulling"),
  /** No longer owned; its data waits here, frozen, for the new owner to pull it and then delete it. */
  BE_PULLING("BePulling"),
  /** Owned and served here; the previous holder has not yet been told to delete its copy. */
  GCING("GCing"),
  /**
   * Not in eRaft: the configuration gave the shard to no group (every group left), so its data
   * waits here, frozen, for whichever group is given it next. Does not hold configurations back.
   */
  PARKED("Parked");

  private final String wire;

  ShardStatus(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static ShardStatus ofWire(String wire) {
    for (ShardStatus s : values()) {
      if (s.wire.equals(wire)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown shard status '" + wire + "'");
  }
}
