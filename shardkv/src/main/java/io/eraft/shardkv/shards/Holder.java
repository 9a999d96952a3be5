package io.eraft.shardkv.shards;

import java.util.List;

/**
 * A group that holds (or held) a shard's data, and the servers to ask for it. Immutable.
 *
 * @param gid the group; 0 for none
 * @param servers its servers' addresses, as its configuration listed them
 */
public record Holder(int gid, List<String> servers) {
  public static final Holder NONE = new Holder(0, List.of());

  public Holder {
    servers = List.copyOf(servers);
  }

  public boolean isNone() {
    return gid == 0;
  }
}
