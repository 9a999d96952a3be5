package io.eraft.shardctrler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.proto.shardctrlerpb.CommandRequest;
import io.eraft.proto.shardctrlerpb.CommandResponse;
import io.eraft.proto.shardctrlerpb.Op;
import io.eraft.proto.shardctrlerpb.Servers;
import io.eraft.proto.shardctrlerpb.ShardCtrlerServiceGrpc;
import io.eraft.raft.client.NodeStatus;
import io.eraft.raft.client.RequestRefusedException;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.raft.cluster.ReplicaCluster;
import io.eraft.raft.cluster.LocalRaftCluster;
import io.eraft.shardctrler.client.CtrlerClerk;
import io.eraft.shardctrler.client.CtrlerClient;
import io.eraft.shardctrler.config.ShardConfig;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three controller replicas over real gRPC, LevelDB and fsync, driven with a stub generated from eRaft's proto. */
class CtrlerReplicaGrpcTest {
  private static final int N = 3;

  @TempDir Path dir;
  private ReplicaCluster<ConfigStateMachine> cluster;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private long commandId;

  @BeforeEach
  void startCluster() throws IOException {
    cluster = ReplicaCluster.start(N, dir, (config, addresses) ->
        CtrlerReplica.start(config, addresses, CtrlerReplica.EXECUTE_TIMEOUT, new SimpleMeterRegistry()));
    for (String address : cluster.addresses()) {
      channels.add(NettyChannelBuilder.forTarget(address).usePlaintext().build());
    }
  }

  @AfterEach
  void stopCluster() {
    channels.forEach(ManagedChannel::shutdownNow);
    if (cluster != null) {
      cluster.close();
    }
  }

  private CommandResponse send(CommandRequest.Builder request) throws InterruptedException {
    CommandRequest stamped = request.setClientId(77).setCommandId(commandId++).build();
    CommandResponse[] reply = new CommandResponse[1];
    LocalRaftCluster.awaitCondition(() -> {
      try {
        reply[0] = ShardCtrlerServiceGrpc.newBlockingStub(channels.get(cluster.leader())).command(stamped);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      return !reply[0].getErr().equals("ErrWrongLeader") && !reply[0].getErr().equals("ErrTimeout");
    });
    return reply[0];
  }

  private static CommandRequest.Builder join(int gid) {
    return CommandRequest.newBuilder().setOp(Op.JOIN)
        .putServers(gid, Servers.newBuilder().addServers("10.0.0." + gid + ":6001").build());
  }

  private static CommandRequest.Builder query(int num) {
    return CommandRequest.newBuilder().setOp(Op.QUERY).setNum(num);
  }

  @Test
  void joinMoveLeaveAndQueryAsEraft() throws InterruptedException {
    assertEquals("OK", send(join(1)).getErr());
    assertEquals("OK", send(join(2)).getErr());
    assertEquals("OK", send(CommandRequest.newBuilder().setOp(Op.MOVE).setShard(9).setGid(2)).getErr());
    assertEquals(List.of(2, 2, 2, 2, 2, 1, 1, 1, 1, 2), send(query(-1)).getConfig().getShardsList());
    assertEquals(List.of(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), send(query(1)).getConfig().getShardsList());
    assertEquals("OK", send(CommandRequest.newBuilder().setOp(Op.LEAVE).addGids(2)).getErr());
    CommandResponse latest = send(query(100));
    assertEquals(4, latest.getConfig().getNum());
    assertEquals(List.of("10.0.0.1:6001"), latest.getConfig().getGroupsMap().get(1).getServersList());
  }

  @Test
  void invalidCommandsNeverEnterTheLogAndTheClusterKeepsServing() throws InterruptedException {
    send(join(1));
    long lastIndex = cluster.replica(cluster.leader()).node().status().lastLogIndex();
    CommandResponse outOfRange = send(CommandRequest.newBuilder().setOp(Op.MOVE).setShard(10).setGid(1));
    assertEquals("ErrBadRequest", outOfRange.getErr());
    assertEquals("shard 10 is out of range [0, 9]", outOfRange.getDetail());
    assertEquals("ErrBadRequest", send(join(1)).getErr());
    assertEquals("ErrBadRequest", send(CommandRequest.newBuilder().setOp(Op.LEAVE).addGids(5)).getErr());
    assertEquals(lastIndex, cluster.replica(cluster.leader()).node().status().lastLogIndex());
    assertEquals("OK", send(join(2)).getErr());
  }

  @Test
  void queriesDoNotGrowTheLog() throws InterruptedException {
    send(join(1));
    long lastIndex = cluster.replica(cluster.leader()).node().status().lastLogIndex();
    for (int i = 0; i < 50; i++) {
      assertEquals(1, send(query(-1)).getConfig().getNum());
    }
    assertEquals(lastIndex, cluster.replica(cluster.leader()).node().status().lastLogIndex());
  }

  @Test
  void theClerkJoinsMovesLeavesAndQueries() {
    try (CtrlerClient client =
        CtrlerClient.connect(cluster.addresses(), RetryPolicy.DEFAULT, Duration.ofSeconds(30))) {
      CtrlerClerk clerk = client.newClerk();
      clerk.join(Map.of(1, List.of("a:1"), 2, List.of("b:1")));
      clerk.move(0, 1);
      assertEquals(1, clerk.query(-1).gidOf(0));
      RequestRefusedException refused = assertThrows(RequestRefusedException.class, () -> clerk.move(10, 1));
      assertEquals("ErrBadRequest: shard 10 is out of range [0, 9]", refused.getMessage());
      clerk.leave(List.of(2));
      ShardConfig latest = clerk.query(-1);
      assertEquals(3, latest.num());
      assertTrue(latest.shards().stream().allMatch(gid -> gid == 1));
      assertEquals(List.of(1, 2), clerk.query(1).groups().keySet().stream().toList());
      List<NodeStatus> status = client.status(Duration.ofSeconds(2));
      assertEquals(1, status.stream().filter(s -> s.role().equals("Leader")).count());
    }
  }

  @Test
  void aFollowerNamesTheLeaderAndAClerkGivenOnlyThatFollowerReachesIt() throws InterruptedException {
    int leader = cluster.leader();
    int follower = (leader + 1) % N;
    LocalRaftCluster.awaitCondition(() -> cluster.replica(follower).node().status().leaderId() == leader);
    CommandResponse refused = ShardCtrlerServiceGrpc.newBlockingStub(channels.get(follower)).command(query(-1).build());
    assertEquals("ErrWrongLeader", refused.getErr());
    assertEquals(cluster.addresses().get(leader), refused.getLeaderAddress());
    try (CtrlerClient client = CtrlerClient.connect(List.of(cluster.addresses().get(follower)), RetryPolicy.DEFAULT,
        Duration.ofSeconds(30))) {
      CtrlerClerk clerk = client.newClerk();
      clerk.join(Map.of(1, List.of("a:1")));
      assertEquals(1, clerk.query(-1).num());
      assertEquals(List.of(cluster.addresses().get(follower), cluster.addresses().get(leader)),
          client.caller().addresses());
    }
  }

  /** eRaft re-executes commands at restart and renumbers configs (ERAFT-SPEC §9.1 item 1). */
  @Test
  void aWholeClusterRestartKeepsTheNumbering() throws InterruptedException, IOException {
    send(join(1));
    send(join(2));
    for (int i = 0; i < N; i++) {
      cluster.stop(i);
    }
    for (int i = 0; i < N; i++) {
      cluster.start(i);
    }
    CommandResponse latest = send(query(-1));
    assertEquals(2, latest.getConfig().getNum());
    assertEquals(List.of(2, 2, 2, 2, 2, 1, 1, 1, 1, 1), latest.getConfig().getShardsList());
    LocalRaftCluster.awaitCondition(() -> cluster.running().stream()
        .allMatch(r -> r.machine().latest().num() == 2 && r.node().status().lastApplied() >= 3));
    assertTrue(cluster.running().stream().allMatch(r -> r.machine().config(1).shards().stream().allMatch(g -> g == 1)));
  }
}
