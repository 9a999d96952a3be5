package io.eraft.cli.dashboard;

import io.eraft.cli.json.Json;
import io.eraft.proto.shardkvpb.ShardInfo;
import io.eraft.raft.client.NodeStatus;
import io.eraft.raft.core.Role;
import io.eraft.shardctrler.config.ShardConfig;
import io.eraft.shardkv.client.ShardKvNodeStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's API answers, in eRaft's JSON (ERAFT-SPEC §8.2, same field names): a
 * DashboardResponse {@code {topology, metrics, shards}}, and its topology and metrics alone. Where
 * eRaft's answer misleads, this one says what is known: a group with no leader has {@code leaderId}
 * -1 (eRaft: 0, a real id); a shard whose state no leader told is {@code "Unknown"} (eRaft:
 * "Serving"), one of no group {@code "Unassigned"}; an Offline node keeps the time it last answered
 * and says why it does not now ({@code error}); {@code warnings} says when the configuration shown
 * is not the latest. Immutable.
 */
record DashboardJson(String dashboard, String topology, String metrics) {
  static final String UNKNOWN = "Unknown";
  static final String UNASSIGNED = "Unassigned";
  static final int NO_LEADER = -1;

  /** The answers that describe {@code snapshot}. */
  static DashboardJson of(ClusterSnapshot snapshot) {
    Map<Integer, List<ShardKvNodeStatus>> groups = new HashMap<>();
    snapshot.groupNodes().forEach(node -> groups.computeIfAbsent(node.gid(), gid -> new ArrayList<>()).add(node));
    List<Shard> shards = shards(snapshot.config(), groups);
    String topology = topology(snapshot, groups);
    String metrics = metrics(snapshot, shards);
    Json.Builder dashboard = Json.object()
        .encoded("topology", topology)
        .encoded("metrics", metrics)
        .encoded("shards", Json.array(shards.stream().map(Shard::json).toList()));
    dashboard.encoded("warnings", Json.array(snapshot.configProblem() == null ? List.of()
        : List.of(Json.string("the controllers did not answer the configuration query (" + snapshot.configProblem()
            + "); showing config " + snapshot.config().num() + ", the last they gave"))));
    return new DashboardJson(dashboard.toString(), topology, metrics);
  }

  private record Shard(int shardId, int groupId, String state, long keys, long bytes) {
    String json() {
      return Json.object().field("shardId", shardId).field("groupId", groupId).field("state", state)
          .field("keys", keys).field("bytes", bytes).toString();
    }
  }

  /** Every shard, in order: its group by the config, and its state and size as its group's leader tells. */
  private static List<Shard> shards(ShardConfig config, Map<Integer, List<ShardKvNodeStatus>> groups) {
    List<Shard> shards = new ArrayList<>();
    for (int shard = 0; shard < config.shards().size(); shard++) {
      int gid = config.gidOf(shard);
      ShardInfo info = gid == 0 ? null : leaderInfo(groups.getOrDefault(gid, List.of()), shard);
      shards.add(info != null ? new Shard(shard, gid, info.getStatus(), info.getKeys(), info.getBytes())
          : new Shard(shard, gid, gid == 0 ? UNASSIGNED : UNKNOWN, 0, 0));
    }
    return shards;
  }

  private static ShardInfo leaderInfo(List<ShardKvNodeStatus> group, int shard) {
    return group.stream().filter(node -> isLeader(node.node()))
        .flatMap(node -> node.shards().stream())
        .filter(info -> info.getShardId() == shard)
        .findFirst().orElse(null);
  }

  private static String topology(ClusterSnapshot snapshot, Map<Integer, List<ShardKvNodeStatus>> groups) {
    ShardConfig config = snapshot.config();
    String configCluster = Json.object()
        .field("configNum", config.num())
        .encoded("nodes", nodes(snapshot.controllers(), snapshot.lastSeen()))
        .field("leaderId", leaderId(snapshot.controllers()))
        .field("totalStorage", storage(snapshot.controllers()))
        .toString();
    List<String> shardGroups = new ArrayList<>();
    config.groups().keySet().forEach(gid -> {
      List<NodeStatus> nodes = groups.getOrDefault(gid, List.of()).stream().map(ShardKvNodeStatus::node).toList();
      List<String> owned = new ArrayList<>();
      for (int shard = 0; shard < config.shards().size(); shard++) {
        if (config.gidOf(shard) == gid) {
          owned.add(Integer.toString(shard));
        }
      }
      shardGroups.add(Json.object()
          .field("groupId", gid)
          .encoded("nodes", nodes(nodes, snapshot.lastSeen()))
          .encoded("shards", Json.array(owned))
          .field("totalStorage", storage(nodes))
          .field("leaderId", leaderId(nodes))
          .toString());
    });
    Json.Builder shardMap = Json.object();
    for (int shard = 0; shard < config.shards().size(); shard++) {
      shardMap.field(Integer.toString(shard), config.gidOf(shard));
    }
    return Json.object()
        .encoded("configCluster", configCluster)
        .encoded("shardGroups", Json.array(shardGroups))
        .encoded("shardMap", shardMap.toString())
        .field("totalShards", config.shards().size())
        .field("updatedAt", snapshot.takenAt().toString())
        .toString();
  }

  private static String metrics(ClusterSnapshot snapshot, List<Shard> shards) {
    List<NodeStatus> every = new ArrayList<>(snapshot.controllers());
    snapshot.groupNodes().forEach(node -> every.add(node.node()));
    int groupCount = snapshot.config().groups().size();
    int shardCount = snapshot.config().shards().size();
    return Json.object()
        .field("totalNodes", every.size())
        .field("healthyNodes", every.stream().filter(NodeStatus::online).count())
        .field("totalStorage", storage(every))
        .field("totalKeys", shards.stream().mapToLong(Shard::keys).sum())
        .field("totalShards", shardCount)
        .field("averageLoad", groupCount == 0 ? 0.0 : (double) shardCount / groupCount)
        .field("updatedAt", snapshot.takenAt().toString())
        .toString();
  }

  private static String nodes(List<NodeStatus> nodes, Map<String, Instant> lastSeen) {
    return Json.array(nodes.stream().map(node -> {
      Instant seen = lastSeen.get(node.address());
      Json.Builder json = Json.object()
          .field("id", node.id())
          .field("address", node.address())
          .field("role", node.displayRole())
          .field("term", node.term())
          .field("commitIndex", node.commitIndex())
          .field("lastApplied", node.lastApplied())
          .field("storageBytes", node.storageBytes())
          .field("healthy", node.online())
          .encoded("lastSeen", seen == null ? "null" : Json.string(seen.toString()));
      if (!node.online()) {
        json.field("error", node.failure());
      }
      return json.toString();
    }).toList());
  }

  private static boolean isLeader(NodeStatus node) {
    return node.online() && Role.LEADER.displayName().equals(node.role());
  }

  private static long leaderId(List<NodeStatus> nodes) {
    return nodes.stream().filter(DashboardJson::isLeader).mapToLong(NodeStatus::id).findFirst().orElse(NO_LEADER);
  }

  private static long storage(List<NodeStatus> nodes) {
    return nodes.stream().filter(NodeStatus::online).mapToLong(NodeStatus::storageBytes).sum();
  }
}
