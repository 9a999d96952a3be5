package io.eraft.kvraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import io.eraft.kvraft.client.Clerk;
import io.eraft.kvraft.client.KvClient;
import io.eraft.proto.kvraftpb.CommandRequest;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.proto.kvraftpb.KVServiceGrpc;
import io.eraft.proto.kvraftpb.Op;
import io.eraft.raft.client.ClusterUnavailableException;
import io.eraft.raft.client.NodeStatus;
import io.eraft.raft.client.RequestRefusedException;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.raft.cluster.LocalRaftCluster;
import io.eraft.raft.cluster.ReplicaCluster;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.eraft.raft.server.DirectoryOwner;
import io.eraft.raft.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three {@code kvserver} replicas in one JVM over real gRPC, LevelDB and fsync, driven by the Clerk. */
class KvReplicaGrpcTest {
  private static final int N = 3;
  private static final KvServerOptions OPTIONS = KvServerOptions.DEFAULTS.withMaxValueBytes(1000);

  @TempDir Path dir;
  private ReplicaCluster<KvStateMachine> cluster;
  private KvClient client;

  @BeforeEach
  void startCluster() throws IOException {
    cluster = ReplicaCluster.start(N, dir,
        (config, addresses) -> KvReplica.start(config, addresses, OPTIONS, new SimpleMeterRegistry()));
    client = KvClient.connect(cluster.addresses(), RetryPolicy.DEFAULT, Duration.ofSeconds(30));
  }

  @AfterEach
  void stopCluster() {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void putAppendGetThroughTheClerk() {
    Clerk clerk = client.newClerk();
    assertEquals("", clerk.get("k"), "a missing key reads as empty, as in eRaft");
    assertEquals(Optional.empty(), clerk.find("k"));
    clerk.put("empty", "");
    assertEquals(Optional.of(""), clerk.find("empty"), "an empty value is there");
    clerk.put("k", "a");
    clerk.append("k", "b");
    clerk.append("new", "c");
    assertEquals("ab", clerk.get("k"));
    assertEquals("c", client.newClerk().get("new"));
  }

  @Test
  void anEraftGeneratedStubWorksUnchanged() throws Exception {
    int leader = cluster.leader();
    ManagedChannel channel = NettyChannelBuilder.forTarget(cluster.addresses().get(leader)).usePlaintext().build();
    ManagedChannel followerChannel = NettyChannelBuilder.forTarget(cluster.addresses().get((leader + 1) % N))
        .usePlaintext().build();
    try {
      KVServiceGrpc.KVServiceBlockingStub stub = KVServiceGrpc.newBlockingStub(channel);
      CommandResponse put = stub.command(CommandRequest.newBuilder().setOp(Op.PUT).setKey("x").setValue("1")
          .setClientId(42).setCommandId(0).build());
      assertEquals("OK", put.getErr());
      CommandResponse get = stub.command(CommandRequest.newBuilder().setOp(Op.GET).setKey("x").setClientId(42)
          .setCommandId(1).build());
      assertEquals("OK", get.getErr());
      assertEquals("1", get.getValue());
      CommandResponse missing = stub.command(CommandRequest.newBuilder().setOp(Op.GET).setKey("nope").build());
      assertEquals("ErrNoKey", missing.getErr());
      int followerId = (leader + 1) % N;
      LocalRaftCluster.awaitCondition(() -> cluster.replica(followerId).node().status().leaderId() == leader);
      CommandResponse follower = KVServiceGrpc.newBlockingStub(followerChannel).command(
          CommandRequest.newBuilder().setOp(Op.GET).setKey("x").build());
      assertEquals("ErrWrongLeader", follower.getErr());
      // The follower names the leader in a field eRaft's message lacks; eRaft's clients skip it.
      assertEquals(cluster.addresses().get(leader), follower.getLeaderAddress());
      DynamicMessage asERaftReadsIt = DynamicMessage.parseFrom(eRaftCommandResponse(), follower.toByteString());
      assertEquals(Map.of("err", "ErrWrongLeader"), fieldsByName(asERaftReadsIt));
    } finally {
      channel.shutdownNow();
      followerChannel.shutdownNow();
    }
  }

  /** {@code kvraftpb.CommandResponse} as eRaft's own kvraft.proto declares it: err = 1, value = 2, nothing else. */
  private static Descriptor eRaftCommandResponse() throws DescriptorValidationException {
    FileDescriptorProto file = FileDescriptorProto.newBuilder()
        .setName("eraft/kvraftpb/kvraft.proto")
        .setPackage("kvraftpb")
        .setSyntax("proto3")
        .addMessageType(DescriptorProto.newBuilder().setName("CommandResponse")
            .addField(stringField("err", 1))
            .addField(stringField("value", 2)))
        .build();
    return FileDescriptor.buildFrom(file, new FileDescriptor[0]).findMessageTypeByName("CommandResponse");
  }

  private static FieldDescriptorProto stringField(String name, int number) {
    return FieldDescriptorProto.newBuilder().setName(name).setNumber(number)
        .setType(FieldDescriptorProto.Type.TYPE_STRING).setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL).build();
  }

  /** The fields set in {@code message}, by name (proto3 leaves empty strings unset). */
  private static Map<String, Object> fieldsByName(DynamicMessage message) {
    Map<String, Object> fields = new HashMap<>();
    message.getAllFields().forEach((field, value) -> fields.put(field.getName(), value));
    return fields;
  }

  /** eRaft's Clerk needs every server's address; ours finds the leader from any one of them. */
  @Test
  void aClientGivenOnlyAFollowerReachesTheLeader() throws InterruptedException {
    int leader = cluster.leader();
    String follower = cluster.addresses().get((leader + 1) % N);
    try (KvClient onlyFollower = KvClient.connect(List.of(follower), RetryPolicy.DEFAULT, Duration.ofSeconds(30))) {
      Clerk clerk = onlyFollower.newClerk();
      clerk.put("k", "v");
      clerk.append("k", "w");
      assertEquals("vw", clerk.get("k"));
      assertEquals(List.of(follower, cluster.addresses().get(leader)), onlyFollower.caller().addresses(),
          "the leader the follower named is kept as a server of this client");
    }
    assertEquals("vw", client.newClerk().get("k"));
  }

  @Test
  void anOversizedValueIsRefusedAndNeverReplicated() throws InterruptedException {
    Clerk clerk = client.newClerk();
    clerk.put("k", "small");
    long lastIndex = cluster.replica(cluster.leader()).node().status().lastLogIndex();
    RequestRefusedException e = assertThrows(RequestRefusedException.class, () -> clerk.put("k", "x".repeat(1001)));
    assertEquals("ErrValueTooLarge: value is 1001 bytes; the limit is 1000 (--max-value-bytes)", e.getMessage());
    assertEquals(lastIndex, cluster.replica(cluster.leader()).node().status().lastLogIndex());
    assertEquals("small", clerk.get("k"));
  }

  @Test
  void statusReportsEveryReplicaAndOfflineOnes() throws InterruptedException {
    client.newClerk().put("k", "v");
    int leader = cluster.leader();
    cluster.stop((leader + 1) % N);
    List<NodeStatus> rows = client.status(Duration.ofSeconds(2));
    assertEquals(N, rows.size());
    assertEquals("Leader", rows.get(leader).role());
    assertTrue(rows.get(leader).storageBytes() > 0);
    assertTrue(rows.get(leader).commitIndex() >= 2);
    assertEquals(NodeStatus.OFFLINE, rows.get((leader + 1) % N).role());
    assertEquals(cluster.addresses().get((leader + 1) % N), rows.get((leader + 1) % N).address());
  }

  @Test
  void theClerkFollowsTheLeaderThroughFailover() throws InterruptedException, IOException {
    Clerk clerk = client.newClerk();
    clerk.append("k", "1");
    int leader = cluster.leader();
    cluster.stop(leader);
    clerk.append("k", "2");
    cluster.start(leader);
    clerk.append("k", "3");
    assertEquals("123", clerk.get("k"));
  }

  /** eRaft re-applies the whole log over LevelDB at restart and doubles appends (ERAFT-SPEC §9.1 item 1). */
  @Test
  void appendsAppearExactlyOnceAfterAWholeClusterRestart() throws IOException {
    Clerk clerk = client.newClerk();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      clerk.append("k", "x" + i + "y");
      expected.append("x").append(i).append("y");
    }
    for (int i = 0; i < N; i++) {
      cluster.stop(i);
    }
    for (int i = 0; i < N; i++) {
      cluster.start(i);
    }
    assertEquals(expected.toString(), client.newClerk().get("k"));
  }

  @Test
  void aStoppedClusterFailsTheCallAtItsDeadlineNamingEveryAddressOnce() {
    for (int i = 0; i < N; i++) {
      cluster.stop(i);
    }
    Clerk clerk = client.newClerk();
    CompletionException wrapped = assertThrows(CompletionException.class,
        () -> clerk.putAsync("k", "v", Duration.ofMillis(800)).orTimeout(30, TimeUnit.SECONDS).join());
    ClusterUnavailableException e = assertInstanceOf(ClusterUnavailableException.class, wrapped.getCause());
    assertEquals("could not connect to any server (retried for 800ms): " + cluster.addresses().stream()
        .map(address -> address + " (connection refused)").collect(Collectors.joining(", ")), e.getMessage());
    assertFalse(e.reachedAnyServer());
  }

  @Test
  void aDirectoryLeftFromAnotherIncarnationOfTheGroupIsRefusedAndLeftUntouched() throws Exception {
    client.newClerk().put("k", "first incarnation");
    String firstCluster = awaitOneRecordedClusterId();
    for (int i = 0; i < N; i++) {
      cluster.stop(i);
    }
    Path leftOver = dir.resolve("left-over-node2");
    Files.move(dir.resolve("node2"), leftOver);
    for (int i = 0; i < N - 1; i++) {
      deleteTree(dir.resolve("node" + i));
    }
    for (int i = 0; i < N; i++) {
      cluster.start(i); // all directories empty: the group is made anew
    }
    client.newClerk().put("k", "second incarnation");
    String secondCluster = awaitOneRecordedClusterId();
    assertNotEquals(firstCluster, secondCluster);

    cluster.stop(2);
    deleteTree(dir.resolve("node2"));
    Files.move(leftOver, dir.resolve("node2"));
    Map<Path, String> before = contents(dir.resolve("node2"));
    StorageException e = assertThrows(StorageException.class, () -> cluster.start(2));
    assertTrue(e.getMessage().startsWith("data directory " + dir.resolve("node2") + " belongs to cluster "
        + firstCluster + ", but node "), e.getMessage());
    assertTrue(e.getMessage().contains(") belongs to cluster " + secondCluster + ": the directory is left from "
        + "another incarnation of this group. Move it aside and start this node on an empty directory"),
        e.getMessage());
    assertEquals(before, contents(dir.resolve("node2")), "the refused directory was changed");
    assertEquals("second incarnation", client.newClerk().get("k"));
  }

  /** Waits (a liveness guard) until every replica's IDENTITY records the same cluster id; returns it. */
  private String awaitOneRecordedClusterId() throws InterruptedException {
    List<String> recorded = new ArrayList<>();
    LocalRaftCluster.awaitCondition(() -> {
      recorded.clear();
      for (int i = 0; i < N; i++) {
        recorded.add(recordedClusterId(dir.resolve("node" + i)));
      }
      return !recorded.contains(null) && new HashSet<>(recorded).size() == 1;
    });
    return recorded.get(0);
  }

  private static String recordedClusterId(Path node) {
    try {
      return Files.readAllLines(node.resolve(DirectoryOwner.FILE)).stream().filter(l -> l.startsWith("cluster="))
          .map(l -> l.substring("cluster=".length())).findFirst().orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<Path, String> contents(Path root) throws IOException {
    Map<Path, String> digests = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        digests.put(root.relativize(f), Base64.getEncoder().encodeToString(
            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return digests;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
