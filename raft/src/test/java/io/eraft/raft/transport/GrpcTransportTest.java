package io.eraft.raft.transport;

import static io.eraft.raft.transport.RecordingHandler.WAIT_SECONDS;
import static io.eraft.raft.transport.RecordingHandler.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.eraft.proto.raftpb.AppendEntriesRequest;
import io.eraft.proto.raftpb.RaftServiceGrpc;
import io.eraft.proto.raftpb.RequestVoteRequest;
import io.eraft.raft.core.AppendEntries;
import io.eraft.raft.core.AppendEntriesResponse;
import io.eraft.raft.core.Entry;
import io.eraft.raft.core.InstallSnapshotResponse;
import io.eraft.raft.core.RaftMessage;
import io.eraft.raft.core.RequestVote;
import io.eraft.raft.core.RequestVoteResponse;
import io.eraft.raft.core.SnapshotMeta;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.util.MutableHandlerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link GrpcTransport} between real gRPC servers on 127.0.0.1. */
class GrpcTransportTest {
  private static final GrpcTransportOptions DEFAULTS = GrpcTransportOptions.DEFAULTS;
  private static final SnapshotMeta META = new SnapshotMeta(100, 3);

  private final List<GrpcTransport> transports = new ArrayList<>();
  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  /** One node: its transport, what its handler saw, and its meters. */
  record Node(long id, GrpcTransport transport, RecordingHandler handler, SimpleMeterRegistry meters) {
    double counter(String name, String tag, long peer) {
      return meters.get(name).tag(tag, Long.toString(peer)).counter().count();
    }
  }

  /** Nodes 1..n, plus addresses nothing listens on for the ids in {@code down}. */
  record Cluster(Map<Long, Node> nodes, Map<Long, String> addresses) {
    Node node(long id) {
      return nodes.get(id);
    }
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    transports.forEach(GrpcTransport::close);
    channels.forEach(ManagedChannel::shutdownNow);
    for (Server server : servers) {
      server.shutdownNow();
      assertTrue(server.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS));
    }
  }

  @Test
  void requestVoteRoundTripReachesTheSenderWithFromAndTo() throws Exception {
    Cluster c = cluster(2, DEFAULTS);
    Node a = c.node(1);
    Node b = c.node(2);

    a.transport().send(new RequestVote(1, 2, 3, 7, 2, true, 0));

    assertEquals(new RequestVote(1, 2, 3, 7, 2, true, 0), next(b.handler().requests));
    assertEquals(new RequestVoteResponse(2, 1, 3, true, true, 0), next(a.handler().responses));
    assertTrue(a.handler().unreachable.isEmpty());
    assertEquals(1, a.meters().get("eraft.network.peer.round.trip.time").tag("to", "2").timer().count());
    assertTrue(a.counter("eraft.network.peer.sent.bytes", "to", 2) > 0);
    assertTrue(a.counter("eraft.network.peer.received.bytes", "from", 2) > 0);
    assertTrue(b.counter("eraft.network.peer.received.bytes", "from", 1) > 0);
    assertEquals(0, a.counter("eraft.network.peer.sent.failures", "to", 2));
  }

  @Test
  void appendEntriesWithThousandEntriesOfOneKiBRoundTrip() throws Exception {
    Cluster c = cluster(3, DEFAULTS);
    Random random = new Random(42);
    List<Entry> entries = new ArrayList<>();
    for (int i = 1; i <= 1000; i++) {
      byte[] data = new byte[1024];
      random.nextBytes(data);
      entries.add(new Entry(10 + i, 2, ByteString.copyFrom(data)));
    }
    AppendEntries append = new AppendEntries(1, 3, 2, 10, 1, entries, 9, 4, 0);

    c.node(1).transport().send(append);

    assertEquals(append, next(c.node(3).handler().requests));
    assertEquals(new AppendEntriesResponse(3, 1, 2, true, 1010, 0, 0, 4, 0), next(c.node(1).handler().responses));
    assertTrue(c.node(2).handler().requests.isEmpty());
  }

  @Test
  void peerDownIsReportedUnreachableOncePerRequest() throws Exception {
    Cluster c = cluster(1, DEFAULTS, 3);
    Node a = c.node(1);

    for (int i = 0; i < 5; i++) {
      a.transport().send(heartbeat(1, 3));
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(3L, next(a.handler().unreachable));
    }
    a.transport().close(); // waits until the channels are done, so no late callback is missed

    assertTrue(a.handler().unreachable.isEmpty());
    assertTrue(a.handler().responses.isEmpty());
    assertEquals(5, a.counter("eraft.network.peer.sent.failures", "to", 3));
  }

  @Test
  void answerMissingTheDeadlineReportsUnreachable() throws Exception {
    Cluster c = cluster(2, DEFAULTS.withRpcTimeout(Duration.ofMillis(200)));
    c.node(2).handler().answer = request -> new CompletableFuture<>();

    c.node(1).transport().send(heartbeat(1, 2));

    assertEquals(2L, next(c.node(1).handler().unreachable));
    c.node(1).transport().close();
    assertTrue(c.node(1).handler().responses.isEmpty());
    assertTrue(c.node(1).handler().unreachable.isEmpty());
  }

  @Test
  void requestsBeyondTheOutstandingLimitAreDroppedAndReported() throws Exception {
    Cluster c = cluster(2, DEFAULTS.withMaxOutstandingRequestsPerPeer(2).withRpcTimeout(Duration.ofSeconds(60)));
    Node a = c.node(1);
    c.node(2).handler().answer = request -> new CompletableFuture<>();

    for (int i = 0; i < 5; i++) {
      a.transport().send(heartbeat(1, 2));
    }

    // Drops are reported on the sending thread, before any answer could arrive.
    assertEquals(3, a.handler().unreachable.size());
    next(c.node(2).handler().requests);
    next(c.node(2).handler().requests);
    assertEquals(3, a.counter("eraft.network.peer.sent.failures", "to", 2));
    a.handler().unreachable.clear();
    a.transport().close(); // cancels the two outstanding calls: each reported once
    assertEquals(2L, next(a.handler().unreachable));
    assertEquals(2L, next(a.handler().unreachable));
    assertTrue(a.handler().unreachable.isEmpty());
    assertTrue(a.handler().responses.isEmpty());
  }

  @Test
  void serviceAnswersUnavailableBeforeStartAndAfterClose() throws Exception {
    MutableHandlerRegistry services = new MutableHandlerRegistry();
    Server server = startServer(0, services, DEFAULTS);
    GrpcTransport transport = track(new GrpcTransport(2, Map.of(1L, "127.0.0.1:1"), DEFAULTS, new SimpleMeterRegistry()));
    services.addService(transport.service());
    RaftServiceGrpc.RaftServiceBlockingStub stub = stub(server);
    RequestVoteRequest vote = MessageCodec.encode(new RequestVote(1, 2, 1, 0, 0, false, 0));

    assertStatus(Status.Code.UNAVAILABLE, () -> stub.requestVote(vote));
    transport.start(new RecordingHandler());
    assertTrue(stub.requestVote(vote).getVoteGranted());
    transport.close();
    transport.close();
    assertStatus(Status.Code.UNAVAILABLE, () -> stub.requestVote(vote));
  }

  @Test
  void serviceRejectsMalformedRequestsAndStrangers() throws Exception {
    Cluster c = cluster(2, DEFAULTS);
    RaftServiceGrpc.RaftServiceBlockingStub stub = stub(c.addresses().get(2L));
    AppendEntriesRequest gap = MessageCodec.encode(heartbeat(1, 2)).toBuilder()
        .addEntries(io.eraft.proto.raftpb.Entry.newBuilder().setIndex(12).setTerm(1))
        .build();
    RequestVoteRequest stranger = MessageCodec.encode(new RequestVote(9, 2, 1, 0, 0, false, 0));

    assertStatus(Status.Code.INVALID_ARGUMENT, () -> stub.appendEntries(gap));
    assertStatus(Status.Code.INVALID_ARGUMENT, () -> stub.requestVote(stranger));
    assertTrue(c.node(2).handler().requests.isEmpty());
  }

  @Test
  void failedAnswerIsUnavailableToTheCallerAndUnreachableToTheSender() throws Exception {
    Cluster c = cluster(2, DEFAULTS);
    c.node(2).handler().answer = request -> CompletableFuture.failedFuture(new IllegalStateException("stopped"));

    assertStatus(Status.Code.UNAVAILABLE,
        () -> stub(c.addresses().get(2L)).appendEntries(MessageCodec.encode(heartbeat(1, 2))));
    c.node(1).transport().send(heartbeat(1, 2));
    assertEquals(2L, next(c.node(1).handler().unreachable));
  }

  /** A snapshot of {@code bytes} sent in chunks of {@code chunkBytes}. */
  record SnapshotCase(int bytes, int chunkBytes) {}

  static Stream<SnapshotCase> snapshots() {
    return Stream.of(
        new SnapshotCase(0, 1024),
        new SnapshotCase(1, 1024),
        new SnapshotCase(1023, 1024),
        new SnapshotCase(1024, 1024),
        new SnapshotCase(2048, 1024),
        new SnapshotCase(5 * 1024 + 123, 1024),
        new SnapshotCase(5 * (1 << 20) + 123, 1 << 20));
  }

  @ParameterizedTest
  @MethodSource("snapshots")
  void snapshotArrivesInOrderedChunksAndReassembles(SnapshotCase s) throws Exception {
    Cluster c = cluster(2, DEFAULTS.withSnapshotChunkBytes(s.chunkBytes()));
    byte[] data = randomBytes(s.bytes());
    BytesSnapshotSource source = new BytesSnapshotSource(META, data);

    InstallSnapshotResponse response = c.node(1).transport().sendSnapshot(2, 4, source).get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertEquals(new InstallSnapshotResponse(2, 1, 4, META.index(), 0), response);
    List<SnapshotChunk> chunks = new ArrayList<>();
    c.node(2).handler().chunks.drainTo(chunks);
    int expectedChunks = Math.max(1, (s.bytes() + s.chunkBytes() - 1) / s.chunkBytes());
    assertEquals(expectedChunks, chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      SnapshotChunk chunk = chunks.get(i);
      long offset = (long) i * s.chunkBytes();
      assertEquals(new SnapshotChunk(1, 2, 4, META.index(), META.term(), offset, chunk.data(), i == chunks.size() - 1),
          chunk);
      assertEquals(Math.min(s.chunkBytes(), s.bytes() - offset), chunk.data().size());
    }
    assertEquals(ByteString.copyFrom(data), c.node(2).handler().snapshotBytes());
    assertTrue(source.isClosed());
    assertEquals(1, c.node(1).counter("eraft.network.snapshot.send.success", "to", 2));
    assertEquals(1, c.node(1).meters().get("eraft.network.snapshot.send.duration").tag("to", "2").timer().count());
  }

  @Test
  void snapshotAnsweredWithHigherTermFailsWithThatTerm() throws Exception {
    Cluster c = cluster(2, DEFAULTS.withSnapshotChunkBytes(1024));
    c.node(2).handler().chunkAnswer = chunk -> CompletableFuture.completedFuture(new SnapshotChunkReply(9, 0, 0));
    BytesSnapshotSource source = new BytesSnapshotSource(META, randomBytes(3000));

    HigherTermException e = failure(c.node(1).transport().sendSnapshot(2, 4, source), HigherTermException.class);

    assertEquals(9, e.term());
    assertEquals(2, e.peer());
    assertEquals(1, c.node(2).handler().chunks.size());
    assertTrue(source.isClosed());
    assertEquals(1, c.node(1).counter("eraft.network.snapshot.send.failures", "to", 2));
  }

  @Test
  void snapshotFailsWhenThePeerExpectsAnotherOffset() throws Exception {
    Cluster c = cluster(2, DEFAULTS.withSnapshotChunkBytes(1024));
    c.node(2).handler().chunkAnswer = chunk -> CompletableFuture.completedFuture(new SnapshotChunkReply(4, 0, 0));
    BytesSnapshotSource source = new BytesSnapshotSource(META, randomBytes(3000));

    failure(c.node(1).transport().sendSnapshot(2, 4, source), SnapshotSendException.class);

    assertEquals(1, c.node(2).handler().chunks.size());
    assertTrue(source.isClosed());
  }

  @Test
  void snapshotToPeerThatIsDownFails() throws Exception {
    Cluster c = cluster(1, DEFAULTS, 2);
    BytesSnapshotSource source = new BytesSnapshotSource(META, randomBytes(3000));

    SnapshotSendException e = failure(c.node(1).transport().sendSnapshot(2, 4, source), SnapshotSendException.class);

    assertEquals(2, e.peer());
    assertTrue(source.isClosed());
    assertEquals(1, c.node(1).counter("eraft.network.snapshot.send.failures", "to", 2));
  }

  @Test
  void afterCloseSendsAreReportedUnreachableAndSnapshotThreadsEnd() throws Exception {
    Cluster c = cluster(2, DEFAULTS);
    Node a = c.node(1);
    a.transport().sendSnapshot(2, 4, new BytesSnapshotSource(META, randomBytes(10))).get(WAIT_SECONDS, TimeUnit.SECONDS);
    List<Thread> snapshotThreads = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("eraft-snapshot-send-1-"))
        .toList();
    assertFalse(snapshotThreads.isEmpty());

    a.transport().close();
    a.transport().close();

    a.transport().send(heartbeat(1, 2));
    assertEquals(2L, a.handler().unreachable.poll()); // reported on the sending thread
    BytesSnapshotSource source = new BytesSnapshotSource(META, randomBytes(10));
    failure(a.transport().sendSnapshot(2, 4, source), SnapshotSendException.class);
    assertTrue(source.isClosed());
    for (Thread t : snapshotThreads) {
      t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      assertFalse(t.isAlive(), t.getName());
    }
    assertThrows(IllegalStateException.class, () -> a.transport().start(new RecordingHandler()));
  }

  @Test
  void peerThatComesUpLaterAnswers() throws Exception {
    Cluster c = cluster(1, DEFAULTS, 2);
    Node a = c.node(1);
    a.transport().send(heartbeat(1, 2));
    assertEquals(2L, next(a.handler().unreachable));

    MutableHandlerRegistry services = new MutableHandlerRegistry();
    Server server = startServer(port(c.addresses().get(2L)), services, DEFAULTS);
    startNode(2, services, c.addresses(), DEFAULTS);

    // gRPC reconnects after a backoff; keep heartbeating, one send per outcome, until one is answered.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    RaftMessage answer = null;
    while (answer == null && System.nanoTime() < deadline) {
      a.transport().send(heartbeat(1, 2));
      answer = a.handler().responses.poll(200, TimeUnit.MILLISECONDS);
    }
    assertNotNull(answer, "no answer from peer 2 at port " + server.getPort());
    assertInstanceOf(AppendEntriesResponse.class, answer);
  }

  @Test
  void sendRejectsWhatItCannotCarry() {
    Cluster c = cluster(2, DEFAULTS);
    GrpcTransport t = c.node(1).transport();

    assertThrows(IllegalArgumentException.class, () -> t.send(new RequestVoteResponse(1, 2, 1, true, false, 0)));
    assertThrows(IllegalArgumentException.class, () -> t.send(heartbeat(2, 1)));
    assertThrows(IllegalArgumentException.class, () -> t.send(heartbeat(1, 7)));
    BytesSnapshotSource source = new BytesSnapshotSource(META, new byte[0]);
    assertThrows(IllegalArgumentException.class, () -> t.sendSnapshot(7, 4, source));
    assertTrue(source.isClosed());
    assertThrows(IllegalArgumentException.class,
        () -> new GrpcTransport(1, Map.of(2L, "no-port"), DEFAULTS, new SimpleMeterRegistry()));
  }

  private Cluster cluster(int n, GrpcTransportOptions options, long... down) {
    Map<Long, String> addresses = new HashMap<>();
    Map<Long, MutableHandlerRegistry> services = new HashMap<>();
    for (long id = 1; id <= n; id++) {
      MutableHandlerRegistry registry = new MutableHandlerRegistry();
      services.put(id, registry);
      addresses.put(id, "127.0.0.1:" + startServer(0, registry, options).getPort());
    }
    for (long id : down) {
      addresses.put(id, "127.0.0.1:" + unusedPort());
    }
    Map<Long, Node> nodes = new HashMap<>();
    services.forEach((id, registry) -> nodes.put(id, startNode(id, registry, addresses, options)));
    return new Cluster(nodes, addresses);
  }

  private Node startNode(long id, MutableHandlerRegistry services, Map<Long, String> addresses,
      GrpcTransportOptions options) {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    meters.config().onMeterRegistrationFailed((id2, reason) -> {
      throw new IllegalStateException(reason);
    });
    GrpcTransport transport = track(new GrpcTransport(id, addresses, options, meters));
    services.addService(transport.service());
    RecordingHandler handler = new RecordingHandler();
    transport.start(handler);
    return new Node(id, transport, handler, meters);
  }

  private Server startServer(int port, MutableHandlerRegistry services, GrpcTransportOptions options) {
    try {
      Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
          .directExecutor()
          .fallbackHandlerRegistry(services)
          .maxInboundMessageSize(options.maxInboundMessageBytes())
          .build()
          .start();
      servers.add(server);
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a gRPC server on 127.0.0.1:" + port, e);
    }
  }

  private GrpcTransport track(GrpcTransport transport) {
    transports.add(transport);
    return transport;
  }

  private RaftServiceGrpc.RaftServiceBlockingStub stub(Server server) {
    return stub("127.0.0.1:" + server.getPort());
  }

  private RaftServiceGrpc.RaftServiceBlockingStub stub(String address) {
    ManagedChannel channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
    channels.add(channel);
    return RaftServiceGrpc.newBlockingStub(channel).withDeadlineAfter(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private static void assertStatus(Status.Code expected, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(expected, e.getStatus().getCode(), e.getStatus().toString());
  }

  private static <E extends Throwable> E failure(CompletableFuture<?> future, Class<E> expected) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(WAIT_SECONDS, TimeUnit.SECONDS));
    return assertInstanceOf(expected, e.getCause());
  }

  private static AppendEntries heartbeat(long from, long to) {
    return new AppendEntries(from, to, 1, 10, 1, List.of(), 10, 0, 0);
  }

  private static byte[] randomBytes(int size) {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return data;
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  private static int unusedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on 127.0.0.1", e);
    }
  }
}
