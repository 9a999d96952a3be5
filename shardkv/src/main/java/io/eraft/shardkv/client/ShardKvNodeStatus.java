package io.eraft.shardkv.client;

import io.eraft.proto.shardkvpb.ShardInfo;
import io.eraft.raft.client.NodeStatus;
import java.util.List;

/**
 * One server's row of {@code shardkv status}: its group, its replica status, and the shards whose
 * data it holds (owned, or waiting to be pulled away). Immutable.
 */
public record ShardKvNodeStatus(int gid, NodeStatus node, List<ShardInfo> shards) {
  public ShardKvNodeStatus {
    shards = List.copyOf(shards);
  }
}
