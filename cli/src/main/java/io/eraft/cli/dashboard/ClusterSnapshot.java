package io.eraft.cli.dashboard;

import io.eraft.raft.client.NodeStatus;
import io.eraft.shardctrler.config.ShardConfig;
import io.eraft.shardkv.client.ShardKvNodeStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one collection saw of the cluster. Immutable.
 *
 * @param takenAt when the collection finished
 * @param config the latest configuration the controllers gave; if they did not answer this time,
 *     the last one they gave ({@link ShardConfig#INITIAL} if none yet)
 * @param configProblem why the controllers did not give the configuration this time, or null
 * @param controllers every controller's status, in the order of {@code -config-addrs}
 * @param groupNodes every server of every group of {@code config}, in gid order
 * @param lastSeen when each server (by address) last answered, for those that ever did
 */
record ClusterSnapshot(Instant takenAt, ShardConfig config, String configProblem, List<NodeStatus> controllers,
    List<ShardKvNodeStatus> groupNodes, Map<String, Instant> lastSeen) {
  ClusterSnapshot {
    controllers = List.copyOf(controllers);
    groupNodes = List.copyOf(groupNodes);
    lastSeen = Map.copyOf(lastSeen);
  }
}
