package io.eraft.shardkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.proto.shardkvpb.CommandRequest;
import io.eraft.proto.shardkvpb.CommandResponse;
import io.eraft.proto.shardkvpb.GetStatusRequest;
import io.eraft.proto.shardkvpb.GetStatusResponse;
import io.eraft.proto.shardkvpb.Op;
import io.eraft.proto.shardkvpb.ShardInfo;
import io.eraft.proto.shardkvpb.ShardKVServiceGrpc;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.raft.cluster.LocalRaftCluster;
import io.eraft.raft.cluster.ReplicaCluster;
import io.eraft.shardctrler.client.CtrlerClerk;
import io.eraft.shardctrler.client.CtrlerClient;
import io.eraft.shardctrler.config.ShardConfig;
import io.eraft.shardctrler.server.ConfigStateMachine;
import io.eraft.shardctrler.server.CtrlerReplica;
import io.eraft.shardkv.Shards;
import io.eraft.shardkv.client.ShardKvClerk;
import io.eraft.shardkv.client.ShardKvClient;
import io.eraft.shardkv.shards.ShardStatus;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three controllers and two ShardKV groups over real gRPC, LevelDB and fsync in this JVM: shards
 * move between groups as the configuration changes, old copies are deleted, and a client
 * generated from eRaft's proto talks to the servers unchanged.
 */
class ShardKvReplicaGrpcTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final ShardKvServerOptions OPTIONS = ShardKvServerOptions.DEFAULTS.withPageBytes(64 << 10);

  @TempDir Path dir;
  private ReplicaCluster<ConfigStateMachine> ctrlers;
  private final List<ReplicaCluster<ShardStateMachine>> groups = new ArrayList<>();
  private CtrlerClient admin;
  private ShardKvClient client;

  @BeforeEach
  void start() throws IOException {
    ctrlers = ReplicaCluster.start(3, dir.resolve("ctrlers"), (config, addresses) ->
        CtrlerReplica.start(config, addresses, CtrlerReplica.EXECUTE_TIMEOUT, new SimpleMeterRegistry()));
    for (int gid : List.of(100, 101)) {
      groups.add(ReplicaCluster.start(3, dir.resolve("group" + gid), (config, addresses) ->
          ShardKvReplica.start(config, gid, addresses, ctrlers.addresses(), OPTIONS, new SimpleMeterRegistry())));
    }
    admin = CtrlerClient.connect(ctrlers.addresses(), RetryPolicy.DEFAULT, DEADLINE);
    client = ShardKvClient.connect(ctrlers.addresses(), RetryPolicy.DEFAULT, DEADLINE);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (admin != null) {
      admin.close();
    }
    groups.forEach(ReplicaCluster::close);
    if (ctrlers != null) {
      ctrlers.close();
    }
  }

  private ReplicaCluster<ShardStateMachine> group(int gid) {
    return groups.get(gid - 100);
  }

  @Test
  @Timeout(120)
  void shardsMoveWithTheirDataAndTheOldCopiesAreDeleted() throws Exception {
    CtrlerClerk ctl = admin.newClerk();
    ShardKvClerk ck = client.newClerk();
    ctl.join(Map.of(100, group(100).addresses()));
    String big = "v".repeat(4096);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 400; i++) { // ~1.6 MB over every shard: several pages each
      keys.add(i + "-key");
      ck.put(keys.get(i), big + i);
    }
    ck.append("0-key", "+x");
    long before = group(100).replica(0).machine().sizeBytes();

    ctl.join(Map.of(101, group(101).addresses()));
    ctl.leave(List.of(100));
    for (int i = 0; i < keys.size(); i++) {
      assertEquals(big + i + (i == 0 ? "+x" : ""), ck.get(keys.get(i)));
    }

    // Every old copy is deleted: group 100 holds no data and its disk use went down.
    LocalRaftCluster.awaitCondition(() -> group(100).running().stream().allMatch(r -> {
      ShardStateMachine m = r.machine();
      for (int s = 0; s < ShardConfig.N_SHARDS; s++) {
        if (m.shards().holdsData(s) || m.shardKeys(s) != 0) {
          return false;
        }
      }
      return true;
    }));
    LocalRaftCluster.awaitCondition(() -> group(100).replica(0).machine().sizeBytes() < before / 2);
    for (int s = 0; s < ShardConfig.N_SHARDS; s++) {
      assertEquals(ShardStatus.SERVING, group(101).replica(0).machine().shards().shard(s).status());
    }
  }

  @Test
  @Timeout(120)
  void aClientGeneratedFromERaftsProtoTalksToTheServersUnchanged() throws Exception {
    CtrlerClerk ctl = admin.newClerk();
    ctl.join(Map.of(100, group(100).addresses(), 101, group(101).addresses()));
    ShardConfig config = ctl.query(-1);
    String key = "a"; // shard 7
    int gid = config.gidOf(Shards.of(key));
    int otherGid = gid == 100 ? 101 : 100;
    client.newClerk().put(key, "first"); // waits until the owner serves the shard

    List<ManagedChannel> channels = new ArrayList<>();
    try {
      for (String address : group(gid).addresses()) {
        channels.add(NettyChannelBuilder.forTarget(address).usePlaintext().build());
      }
      int leader = group(gid).leader();
      ShardKVServiceGrpc.ShardKVServiceBlockingStub stub = ShardKVServiceGrpc.newBlockingStub(channels.get(leader));
      CommandResponse put = stub.command(CommandRequest.newBuilder().setOp(Op.APPEND).setKey(key)
          .setValue("+second").setClientId(7).setCommandId(1).build());
      assertEquals("OK", put.getErr());
      CommandResponse get = stub.command(CommandRequest.newBuilder().setOp(Op.GET).setKey(key).build());
      assertEquals("OK", get.getErr());
      assertEquals("first+second", get.getValue());

      GetStatusResponse status = stub.getStatus(GetStatusRequest.getDefaultInstance());
      assertEquals(gid, status.getGid());
      assertEquals("Leader", status.getState());
      ShardInfo shard = status.getShardsList().stream().filter(s -> s.getShardId() == 7).findFirst().orElseThrow();
      assertEquals("Serving", shard.getStatus());
      assertEquals(1, shard.getKeys());
      assertEquals(key.length() + "first+second".length(), shard.getBytes());

      ManagedChannel other = NettyChannelBuilder.forTarget(group(otherGid).addresses().get(0)).usePlaintext().build();
      channels.add(other);
      CommandResponse wrong = ShardKVServiceGrpc.newBlockingStub(other).command(CommandRequest.newBuilder()
          .setOp(Op.GET).setKey(key).build());
      assertTrue(List.of("ErrWrongGroup", "ErrWrongLeader").contains(wrong.getErr()), wrong.getErr());
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
    }
  }

  @Test
  @Timeout(120)
  void aRetriedAppendFirstAppliedByTheOldOwnerIsNotAppliedAgainByTheNewOne() throws Exception {
    CtrlerClerk ctl = admin.newClerk();
    ctl.join(Map.of(100, group(100).addresses()));
    String key = "a"; // shard 7
    client.newClerk().put(key, "x");
    CommandRequest append = CommandRequest.newBuilder().setOp(Op.APPEND).setKey(key).setValue("+once")
        .setClientId(4242).setCommandId(1).build();
    assertEquals("OK", sendToLeader(group(100), append).getErr());

    // The shard moves to group 101 with its duplicate-table records; the client retries there.
    ctl.join(Map.of(101, group(101).addresses()));
    ctl.move(Shards.of(key), 101);
    ctl.leave(List.of(100));
    assertEquals("OK", sendToLeader(group(101), append).getErr()); // once 101 serves the shard
    assertEquals("x+once", client.newClerk().get(key));
  }

  /**
   * Sends {@code request} to the group's leader with a stub from eRaft's proto until the answer is
   * neither ErrWrongLeader nor ErrTimeout nor ErrWrongGroup (the group has not taken the shard yet).
   */
  private static CommandResponse sendToLeader(ReplicaCluster<ShardStateMachine> group, CommandRequest request)
      throws Exception {
    CommandResponse[] reply = new CommandResponse[1];
    LocalRaftCluster.awaitCondition(() -> {
      ManagedChannel channel = null;
      try {
        channel = NettyChannelBuilder.forTarget(group.addresses().get(group.leader())).usePlaintext().build();
        reply[0] = ShardKVServiceGrpc.newBlockingStub(channel).command(request);
        return !List.of("ErrWrongLeader", "ErrTimeout", "ErrWrongGroup").contains(reply[0].getErr());
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      } finally {
        if (channel != null) {
          channel.shutdownNow();
        }
      }
    });
    return reply[0];
  }

  @Test
  void gidZeroIsRefusedBeforeAnythingStarts() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardKvReplica.start(
        null, 0, List.of("127.0.0.1:1"), ctrlers.addresses(), OPTIONS, new SimpleMeterRegistry()));
    assertTrue(e.getMessage().contains("gid must be positive"), e.getMessage());
  }
}
