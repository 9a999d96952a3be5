package io.eraft.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.eraft.proto.shardkvpb.ShardInfo;
import io.eraft.raft.client.NodeStatus;
import io.eraft.shardctrler.config.ShardConfig;
import io.eraft.shardkv.client.ShardKvNodeStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The API's JSON: eRaft's field names, and what it says where eRaft's answer misleads. */
class DashboardJsonTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  private static final Instant EARLIER = Instant.parse("2026-12-04T11:59:00Z");

  private static NodeStatus up(long id, String address, String role, long storage) {
    return new NodeStatus(id, address, role, "voter", 3, 40, 41, storage, "");
  }

  private static ShardInfo shard(int id, String status, long keys, long bytes) {
    return ShardInfo.newBuilder().setShardId(id).setStatus(status).setKeys(keys).setBytes(bytes).build();
  }

  /** Shards 0-4 in group 100 (leader: node 1), 5-9 in group 101 (its only node down). */
  private static ClusterSnapshot snapshot() {
    TreeMap<Integer, List<String>> groups = new TreeMap<>(Map.of(100, List.of("g:1", "g:2"), 101, List.of("h:1")));
    ShardConfig config = new ShardConfig(7, List.of(100, 100, 100, 100, 100, 101, 101, 101, 101, 101), groups);
    List<ShardInfo> leaderShards = List.of(shard(0, "Serving", 3, 30), shard(1, "Serving", 1, 10),
        shard(2, "Pulling", 0, 0), shard(3, "Serving", 0, 0), shard(4, "GCing", 2, 20));
    return new ClusterSnapshot(NOW, config, null,
        List.of(up(0, "c:1", "Follower", 100), up(1, "c:2", "Leader", 100), NodeStatus.offline(2, "c:3", "connection refused")),
        List.of(new ShardKvNodeStatus(100, up(0, "g:1", "Follower", 500), List.of(shard(0, "Serving", 99, 990))),
            new ShardKvNodeStatus(100, up(1, "g:2", "Leader", 500), leaderShards),
            new ShardKvNodeStatus(101, NodeStatus.offline(0, "h:1", "no answer within 2s"), List.of())),
        Map.of("c:1", NOW, "c:2", NOW, "g:1", NOW, "g:2", NOW, "h:1", EARLIER));
  }

  @Test
  void dashboardHasERaftsShapeAndTheLeadersShardFigures() {
    JsonObject dashboard = JsonParser.parseString(DashboardJson.of(snapshot()).dashboard()).getAsJsonObject();
    assertEquals(List.of("topology", "metrics", "shards", "warnings"), List.copyOf(dashboard.keySet()));
    JsonArray shards = dashboard.getAsJsonArray("shards");
    assertEquals(10, shards.size());
    JsonObject first = shards.get(0).getAsJsonObject();
    assertEquals(List.of("shardId", "groupId", "state", "keys", "bytes"), List.copyOf(first.keySet()));
    assertEquals(3, first.get("keys").getAsLong(), "the leader's count, not a follower's");
    assertEquals("Pulling", shards.get(2).getAsJsonObject().get("state").getAsString());
    assertEquals("Unknown", shards.get(5).getAsJsonObject().get("state").getAsString(), "no leader told");
    assertEquals(0, dashboard.getAsJsonArray("warnings").size());
  }

  @Test
  void topologyNamesLeadersAndKeepsWhenADownNodeWasLastSeen() {
    JsonObject topology = JsonParser.parseString(DashboardJson.of(snapshot()).topology()).getAsJsonObject();
    assertEquals(List.of("configCluster", "shardGroups", "shardMap", "totalShards", "updatedAt"),
        List.copyOf(topology.keySet()));
    JsonObject controllers = topology.getAsJsonObject("configCluster");
    assertEquals(List.of("configNum", "nodes", "leaderId", "totalStorage"), List.copyOf(controllers.keySet()));
    assertEquals(7, controllers.get("configNum").getAsLong());
    assertEquals(1, controllers.get("leaderId").getAsLong());
    assertEquals(200, controllers.get("totalStorage").getAsLong());
    JsonObject down = controllers.getAsJsonArray("nodes").get(2).getAsJsonObject();
    assertFalse(down.get("healthy").getAsBoolean());
    assertEquals("connection refused", down.get("error").getAsString());
    assertTrue(down.get("lastSeen").isJsonNull(), "never seen");

    JsonObject g100 = topology.getAsJsonArray("shardGroups").get(0).getAsJsonObject();
    assertEquals(List.of("groupId", "nodes", "shards", "totalStorage", "leaderId"), List.copyOf(g100.keySet()));
    assertEquals(List.of("id", "address", "role", "term", "commitIndex", "lastApplied", "storageBytes", "healthy",
        "lastSeen"), List.copyOf(g100.getAsJsonArray("nodes").get(0).getAsJsonObject().keySet()));
    assertEquals(1, g100.get("leaderId").getAsLong());
    assertEquals("[0,1,2,3,4]", g100.getAsJsonArray("shards").toString());
    JsonObject g101 = topology.getAsJsonArray("shardGroups").get(1).getAsJsonObject();
    assertEquals(DashboardJson.NO_LEADER, g101.get("leaderId").getAsLong());
    assertEquals(EARLIER.toString(), g101.getAsJsonArray("nodes").get(0).getAsJsonObject().get("lastSeen").getAsString());
    assertEquals(101, topology.getAsJsonObject("shardMap").get("9").getAsInt());
    assertEquals(NOW.toString(), topology.get("updatedAt").getAsString());
  }

  @Test
  void metricsCountNodesStorageKeysAndLoad() {
    JsonObject metrics = JsonParser.parseString(DashboardJson.of(snapshot()).metrics()).getAsJsonObject();
    assertEquals(List.of("totalNodes", "healthyNodes", "totalStorage", "totalKeys", "totalShards", "averageLoad",
        "updatedAt"), List.copyOf(metrics.keySet()));
    assertEquals(6, metrics.get("totalNodes").getAsInt());
    assertEquals(4, metrics.get("healthyNodes").getAsInt());
    assertEquals(1200, metrics.get("totalStorage").getAsLong());
    assertEquals(6, metrics.get("totalKeys").getAsLong());
    assertEquals(10, metrics.get("totalShards").getAsInt());
    assertEquals(5.0, metrics.get("averageLoad").getAsDouble());
  }

  @Test
  void beforeAnyGroupJoinsEveryShardIsUnassignedAndAStaleConfigIsSaid() {
    ClusterSnapshot empty = new ClusterSnapshot(NOW, ShardConfig.INITIAL, "no controller answered within 2s",
        List.of(NodeStatus.offline(0, "c:1", "connection refused")), List.of(), Map.of());
    DashboardJson json = DashboardJson.of(empty);
    JsonObject dashboard = JsonParser.parseString(json.dashboard()).getAsJsonObject();
    dashboard.getAsJsonArray("shards").forEach(s -> {
      assertEquals(0, s.getAsJsonObject().get("groupId").getAsInt());
      assertEquals("Unassigned", s.getAsJsonObject().get("state").getAsString());
    });
    assertEquals(0.0, JsonParser.parseString(json.metrics()).getAsJsonObject().get("averageLoad").getAsDouble());
    String warning = dashboard.getAsJsonArray("warnings").get(0).getAsString();
    assertTrue(warning.contains("no controller answered within 2s") && warning.contains("config 0"), warning);
  }
}
