package io.eraft.raft.transport;

import static io.eraft.raft.transport.RecordingHandler.WAIT_SECONDS;
import static io.eraft.raft.transport.RecordingHandler.next;
import static io.eraft.raft.transport.TransportContractTest.META;
import static io.eraft.raft.transport.TransportContractTest.failure;
import static io.eraft.raft.transport.TransportContractTest.heartbeat;
import static io.eraft.raft.transport.TransportContractTest.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.proto.raftpb.AppendEntriesRequest;
import io.eraft.proto.raftpb.RaftServiceGrpc;
import io.eraft.proto.raftpb.RequestVoteRequest;
import io.eraft.raft.core.AppendEntriesResponse;
import io.eraft.raft.core.RaftMessage;
import io.eraft.raft.core.RequestVote;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.util.MutableHandlerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What only {@link GrpcTransport} does, between real gRPC servers on 127.0.0.1: meters, the
 * outstanding limit, status codes of the service, snapshot threads, reconnecting. The behaviour
 * every transport shares is in {@link GrpcTransportContractTest}.
 */
class GrpcTransportTest {
  private static final GrpcTransportOptions DEFAULTS = GrpcTransportOptions.DEFAULTS;

  private GrpcCluster cluster;

  @AfterEach
  void stopAll() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private GrpcCluster cluster(int n, GrpcTransportOptions options, long... down) {
    cluster = GrpcCluster.start(n, options, down);
    return cluster;
  }

  @Test
  void metersCountRoundTripsBytesFailuresAndSnapshots() throws Exception {
    GrpcCluster c = cluster(2, DEFAULTS.withSnapshotChunkBytes(1024), 3);
    GrpcCluster.Node a = c.node(1);
    GrpcCluster.Node b = c.node(2);

    a.transport().send(new RequestVote(1, 2, 3, 7, 2, true, 0));
    next(a.handler().responses);
    a.transport().send(heartbeat(1, 3));
    next(a.handler().unreachable);

    assertEquals(1, a.meters().get("eraft.network.peer.round.trip.time").tag("to", "2").timer().count());
    assertTrue(a.counter("eraft.network.peer.sent.bytes", "to", 2) > 0);
    assertTrue(a.counter("eraft.network.peer.received.bytes", "from", 2) > 0);
    assertTrue(b.counter("eraft.network.peer.received.bytes", "from", 1) > 0);
    assertEquals(0, a.counter("eraft.network.peer.sent.failures", "to", 2));
    assertEquals(1, a.counter("eraft.network.peer.sent.failures", "to", 3));

    a.transport().sendSnapshot(2, 4, new BytesSnapshotSource(META, randomBytes(3000))).get(WAIT_SECONDS,
        TimeUnit.SECONDS);
    failure(a.transport().sendSnapshot(3, 4, new BytesSnapshotSource(META, randomBytes(10))),
        SnapshotSendException.class);

    assertEquals(1, a.counter("eraft.network.snapshot.send.success", "to", 2));
    assertEquals(1, a.meters().get("eraft.network.snapshot.send.duration").tag("to", "2").timer().count());
    assertEquals(0, a.counter("eraft.network.snapshot.send.failures", "to", 2));
    assertEquals(1, a.counter("eraft.network.snapshot.send.failures", "to", 3));
    assertEquals(2, a.counter("eraft.network.peer.sent.failures", "to", 3)); // the failed chunk call too
  }

  @Test
  void requestsBeyondTheOutstandingLimitAreDroppedAndReported() throws Exception {
    GrpcCluster c = cluster(2, DEFAULTS.withMaxOutstandingRequestsPerPeer(2).withRpcTimeout(Duration.ofSeconds(60)));
    GrpcCluster.Node a = c.node(1);
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
    GrpcCluster c = cluster(0, DEFAULTS);
    MutableHandlerRegistry services = new MutableHandlerRegistry();
    Server server = c.startServer(0, services);
    GrpcTransport transport =
        c.track(new GrpcTransport(2, Map.of(1L, "127.0.0.1:1"), DEFAULTS, new SimpleMeterRegistry()));
    services.addService(transport.service());
    RaftServiceGrpc.RaftServiceBlockingStub stub = c.stub("127.0.0.1:" + server.getPort());
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
    GrpcCluster c = cluster(2, DEFAULTS);
    RaftServiceGrpc.RaftServiceBlockingStub stub = c.stub(c.addresses().get(2L));
    AppendEntriesRequest gap = MessageCodec.encode(heartbeat(1, 2)).toBuilder()
        .addEntries(io.eraft.proto.raftpb.Entry.newBuilder().setIndex(12).setTerm(1))
        .build();
    RequestVoteRequest stranger = MessageCodec.encode(new RequestVote(9, 2, 1, 0, 0, false, 0));

    assertStatus(Status.Code.INVALID_ARGUMENT, () -> stub.appendEntries(gap));
    assertStatus(Status.Code.INVALID_ARGUMENT, () -> stub.requestVote(stranger));
    assertTrue(c.node(2).handler().requests.isEmpty());
  }

  @Test
  void failedAnswerIsUnavailableToTheCaller() {
    GrpcCluster c = cluster(2, DEFAULTS);
    c.node(2).handler().answer = request -> CompletableFuture.failedFuture(new IllegalStateException("stopped"));

    assertStatus(Status.Code.UNAVAILABLE,
        () -> c.stub(c.addresses().get(2L)).appendEntries(MessageCodec.encode(heartbeat(1, 2))));
  }

  @Test
  void snapshotThreadsEndAfterClose() throws Exception {
    GrpcCluster c = cluster(2, DEFAULTS);
    GrpcCluster.Node a = c.node(1);
    a.transport().sendSnapshot(2, 4, new BytesSnapshotSource(META, randomBytes(10)))
        .get(WAIT_SECONDS, TimeUnit.SECONDS);
    List<Thread> snapshotThreads = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("eraft-snapshot-send-1-"))
        .toList();
    assertFalse(snapshotThreads.isEmpty());

    a.transport().close();

    for (Thread t : snapshotThreads) {
      t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      assertFalse(t.isAlive(), t.getName());
    }
  }

  @Test
  void peerThatComesUpLaterAnswers() throws Exception {
    GrpcCluster c = cluster(1, DEFAULTS, 2);
    GrpcCluster.Node a = c.node(1);
    a.transport().send(heartbeat(1, 2));
    assertEquals(2L, next(a.handler().unreachable));

    MutableHandlerRegistry services = new MutableHandlerRegistry();
    Server server = c.startServer(GrpcCluster.port(c.addresses().get(2L)), services);
    c.startNode(2, services);

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
  void peerAddressesMustBeHostAndPort() {
    assertThrows(IllegalArgumentException.class,
        () -> new GrpcTransport(1, Map.of(2L, "no-port"), DEFAULTS, new SimpleMeterRegistry()));
  }

  private static void assertStatus(Status.Code expected, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(expected, e.getStatus().getCode(), e.getStatus().toString());
  }
}
