package io.eraft.raft.transport;

import static io.eraft.raft.transport.RecordingHandler.WAIT_SECONDS;
import static io.eraft.raft.transport.RecordingHandler.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.proto.raftpb.AppendEntriesRequest;
import io.eraft.proto.raftpb.RaftServiceGrpc;
import io.eraft.proto.raftpb.RequestVoteRequest;
import io.eraft.raft.core.AppendEntries;
import io.eraft.raft.core.AppendEntriesResponse;
import io.eraft.raft.core.RaftMessage;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.grpc.util.MutableHandlerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code AppendEntriesStream} path of {@link GrpcTransport} between real gRPC servers on
 * 127.0.0.1: order, failure accounting (each request answered or reported unreachable exactly once),
 * stream replacement, flow limits, and that eRaft's unary RPCs still work beside it.
 */
class GrpcStreamTest {
  private static final GrpcTransportOptions DEFAULTS = GrpcTransportOptions.DEFAULTS;
  private static final String STREAM = "AppendEntriesStream";
  private static final String UNARY_APPEND = "AppendEntries";

  private final List<GrpcTransport> transports = new ArrayList<>();
  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  /** One node: its transport, what its handler saw, and the calls its server accepted. */
  record Node(long id, GrpcTransport transport, RecordingHandler handler, Server server, CallCounter calls,
      SimpleMeterRegistry meters) {
    double sentFailures(long peer) {
      return meters.get("eraft.network.peer.sent.failures").tag("to", Long.toString(peer)).counter().count();
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
  void pipelinedAppendsShareOneStreamAndAreAnsweredInRequestOrder() throws Exception {
    Endpoints c = endpoints(2);
    Node a = startNode(1, c, DEFAULTS);
    Node b = startNode(2, c, DEFAULTS);
    BlockingQueue<CompletableFuture<RaftMessage>> answers = hold(b.handler());
    int n = 300;

    for (int i = 0; i < n; i++) {
      a.transport().send(append(1, 2, i));
    }
    List<AppendEntries> received = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      received.add((AppendEntries) next(b.handler().requests));
    }
    List<CompletableFuture<RaftMessage>> held = take(answers, n);
    // Answer last to first: the server must still write the answers in request order.
    for (int i = n - 1; i >= 0; i--) {
      held.get(i).complete(accept(received.get(i)));
    }

    for (int i = 0; i < n; i++) {
      assertEquals(append(1, 2, i), received.get(i));
      assertEquals(new AppendEntriesResponse(2, 1, 1, true, i + 1, 0, 0, i, false, 0), next(a.handler().responses));
    }
    assertTrue(a.handler().unreachable.isEmpty());
    assertEquals(1, b.calls().count(STREAM));
    assertEquals(0, b.calls().count(UNARY_APPEND));
  }

  @Test
  void serverGoneMidStreamReportsEachOutstandingRequestOnceThenANewStreamAnswers() throws Exception {
    Endpoints c = endpoints(2);
    Node a = startNode(1, c, DEFAULTS.withRpcTimeout(Duration.ofSeconds(60)));
    Node b = startNode(2, c, DEFAULTS);
    b.handler().answer = request -> new CompletableFuture<>();
    int outstanding = 20;
    int sends = 0;
    for (int i = 0; i < outstanding; i++) {
      a.transport().send(append(1, 2, i));
      sends++;
    }
    for (int i = 0; i < outstanding; i++) {
      next(b.handler().requests);
    }

    b.server().shutdownNow();
    assertTrue(b.server().awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS));
    b.transport().close();
    for (int i = 0; i < outstanding; i++) {
      assertEquals(2L, next(a.handler().unreachable));
    }
    assertTrue(a.handler().responses.isEmpty());

    Node b2 = startNode(2, endpoint(port(c.addresses().get(2L))), c.addresses(), DEFAULTS);
    // gRPC reconnects after a backoff; one send per outcome until one is answered.
    int responses = 0;
    int unreachable = outstanding;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (responses == 0 && System.nanoTime() < deadline) {
      a.transport().send(append(1, 2, sends));
      sends++;
      Outcome o = outcome(a.handler());
      if (o.response() != null) {
        responses++;
      } else {
        unreachable++;
      }
    }
    assertEquals(1, responses, "no answer from the restarted peer 2");
    assertTrue(b2.calls().count(STREAM) >= 1);

    a.transport().close(); // waits for the channels, so no late callback is missed
    assertEquals(sends, responses + unreachable + a.handler().responses.size() + a.handler().unreachable.size(),
        "every request must end in exactly one answer or one unreachable report");
    assertTrue(a.handler().responses.isEmpty());
    assertTrue(a.handler().unreachable.isEmpty());
  }

  @Test
  void unansweredRequestsTimeOutAfterRpcTimeoutAndTheStreamIsReplaced() throws Exception {
    Endpoints c = endpoints(2);
    Node a = startNode(1, c, DEFAULTS.withRpcTimeout(Duration.ofMillis(200)));
    Node b = startNode(2, c, DEFAULTS);
    b.handler().answer = request -> new CompletableFuture<>();

    for (int i = 0; i < 5; i++) {
      a.transport().send(append(1, 2, i));
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(2L, next(a.handler().unreachable));
    }
    assertEquals(5.0, a.sentFailures(2));
    b.handler().answer = request -> CompletableFuture.completedFuture(accept((AppendEntries) request));
    a.transport().send(append(1, 2, 5));

    assertEquals(new AppendEntriesResponse(2, 1, 1, true, 6, 0, 0, 5, false, 0), next(a.handler().responses));
    assertEquals(2, b.calls().count(STREAM));
    a.transport().close();
    assertTrue(a.handler().unreachable.isEmpty());
    assertTrue(a.handler().responses.isEmpty());
  }

  @Test
  void beyondTheOutstandingLimitSendsAreDroppedAndAnswersFreeRoom() throws Exception {
    Endpoints c = endpoints(2);
    GrpcTransportOptions options = DEFAULTS.withMaxOutstandingRequestsPerPeer(3).withRpcTimeout(Duration.ofSeconds(60));
    Node a = startNode(1, c, options);
    Node b = startNode(2, c, options);
    BlockingQueue<CompletableFuture<RaftMessage>> answers = hold(b.handler());

    for (int i = 0; i < 5; i++) {
      a.transport().send(append(1, 2, i));
    }
    assertEquals(2, a.handler().unreachable.size()); // dropped on the sending thread
    List<AppendEntries> received = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      received.add((AppendEntries) next(b.handler().requests));
    }
    List<CompletableFuture<RaftMessage>> held = take(answers, 3);
    for (int i = 0; i < 3; i++) {
      held.get(i).complete(accept(received.get(i)));
      assertEquals(new AppendEntriesResponse(2, 1, 1, true, i + 1, 0, 0, i, false, 0), next(a.handler().responses));
    }
    b.handler().answer = request -> CompletableFuture.completedFuture(accept((AppendEntries) request));
    a.transport().send(append(1, 2, 9));

    assertEquals(new AppendEntriesResponse(2, 1, 1, true, 10, 0, 0, 9, false, 0), next(a.handler().responses));
    assertEquals(2, a.handler().unreachable.size());
    assertEquals(1, b.calls().count(STREAM));
  }

  @Test
  void eraftUnaryStubsStillGetAnswers() throws Exception {
    Endpoints c = endpoints(2);
    startNode(1, c, DEFAULTS);
    Node b = startNode(2, c, DEFAULTS);
    RaftServiceGrpc.RaftServiceBlockingStub stub = blockingStub(c.addresses().get(2L));
    // Built field by field, as a client generated from eRaft's raft.proto would.
    AppendEntriesRequest append = AppendEntriesRequest.newBuilder()
        .setTerm(3).setLeaderId(1).setPrevLogIndex(10).setPrevLogTerm(2).setLeaderCommit(8)
        .addEntries(io.eraft.proto.raftpb.Entry.newBuilder().setIndex(11).setTerm(3)
            .setCommand(com.google.protobuf.ByteString.copyFromUtf8("put x 1")))
        .build();
    RequestVoteRequest vote = RequestVoteRequest.newBuilder()
        .setTerm(4).setCandidateId(1).setLastLogIndex(11).setLastLogTerm(3).build();

    io.eraft.proto.raftpb.AppendEntriesResponse appended = stub.appendEntries(append);
    io.eraft.proto.raftpb.RequestVoteResponse voted = stub.requestVote(vote);

    assertEquals(
        io.eraft.proto.raftpb.AppendEntriesResponse.newBuilder().setTerm(3).setSuccess(true).setIndex(11).build(),
        appended);
    assertEquals(io.eraft.proto.raftpb.RequestVoteResponse.newBuilder().setTerm(4).setVoteGranted(true).build(), voted);
    assertEquals(MessageCodec.decodeAppendEntries(append, 2), next(b.handler().requests));
    assertEquals(1, b.calls().count(UNARY_APPEND));
    assertEquals(0, b.calls().count(STREAM));
  }

  @Test
  void peerWithoutTheStreamRpcGetsUnaryAppendEntries() throws Exception {
    Endpoints c = endpoints(2);
    Node a = startNode(1, c, DEFAULTS);
    CallCounter calls = new CallCounter();
    // A server built from eRaft's protos: unary AppendEntries only, the stream UNIMPLEMENTED.
    RaftServiceGrpc.RaftServiceImplBase eraft = new RaftServiceGrpc.RaftServiceImplBase() {
      @Override
      public void appendEntries(AppendEntriesRequest request,
          StreamObserver<io.eraft.proto.raftpb.AppendEntriesResponse> out) {
        out.onNext(io.eraft.proto.raftpb.AppendEntriesResponse.newBuilder()
            .setTerm(request.getTerm()).setSuccess(true).setIndex(request.getPrevLogIndex()).build());
        out.onCompleted();
      }
    };
    c.get(2).registry().addService(ServerInterceptors.intercept(eraft, calls));

    a.transport().send(append(1, 2, 0));
    assertEquals(2L, next(a.handler().unreachable)); // lost with the refused stream
    for (int i = 1; i <= 3; i++) {
      a.transport().send(append(1, 2, i));
      assertEquals(new AppendEntriesResponse(2, 1, 1, true, i + 1, 0, 0, 0, false, 0), next(a.handler().responses));
    }

    assertEquals(1, calls.count(STREAM));
    assertEquals(3, calls.count(UNARY_APPEND));
    assertTrue(a.handler().unreachable.isEmpty());
  }

  @Test
  void idleStreamIsClosedWithoutReportsAndTheNextSendOpensAnother() throws Exception {
    Endpoints c = endpoints(2);
    Node b = startNode(2, c, DEFAULTS);
    PeerClient client =
        new PeerClient(1, 2, c.addresses().get(2L), DEFAULTS, new PeerMetrics(new SimpleMeterRegistry(), 2));
    RecordingHandler handler = new RecordingHandler();
    try {
      client.send(append(1, 2, 0), handler);
      assertInstanceOf(AppendEntriesResponse.class, next(handler.responses));
      client.expireStreams(System.nanoTime()); // not idle yet: kept
      client.send(append(1, 2, 1), handler);
      assertInstanceOf(AppendEntriesResponse.class, next(handler.responses));
      assertEquals(1, b.calls().count(STREAM));

      client.expireStreams(System.nanoTime() + PeerClient.IDLE_STREAM_NANOS + 1);
      client.send(append(1, 2, 2), handler);

      assertEquals(new AppendEntriesResponse(2, 1, 1, true, 3, 0, 0, 2, false, 0), next(handler.responses));
      assertEquals(2, b.calls().count(STREAM));
    } finally {
      client.shutdownNow();
      assertTrue(client.awaitTermination(TimeUnit.SECONDS.toNanos(WAIT_SECONDS)));
    }
    assertTrue(handler.unreachable.isEmpty());
  }

  @Test
  void closingTheReceivingTransportEndsItsStreamsSoAGracefulShutdownCompletes() throws Exception {
    Endpoints c = endpoints(2);
    Node a = startNode(1, c, DEFAULTS.withRpcTimeout(Duration.ofSeconds(60)));
    Node b = startNode(2, c, DEFAULTS);
    a.transport().send(append(1, 2, 0));
    next(a.handler().responses);
    b.handler().answer = request -> new CompletableFuture<>();
    a.transport().send(append(1, 2, 1));
    next(b.handler().requests);
    next(b.handler().requests);

    b.transport().close();
    b.server().shutdown();

    assertEquals(2L, next(a.handler().unreachable));
    // Liveness guard only: without the stream ended, shutdown() would wait for the idle close (10 s).
    assertTrue(b.server().awaitTermination(5, TimeUnit.SECONDS), "the open stream held the server");
  }

  @Test
  void streamRefusesMalformedRequestsStrangersAndCallsBeforeStart() throws Exception {
    Endpoints c = endpoints(2);
    Node b = startNode(2, c, DEFAULTS);
    AppendEntriesRequest gap = MessageCodec.encode(append(1, 2, 0)).toBuilder()
        .addEntries(io.eraft.proto.raftpb.Entry.newBuilder().setIndex(12).setTerm(1))
        .build();
    AppendEntriesRequest stranger = MessageCodec.encode(append(9, 2, 0));

    assertEquals(Status.Code.INVALID_ARGUMENT, streamFailure(c.addresses().get(2L), gap));
    assertEquals(Status.Code.INVALID_ARGUMENT, streamFailure(c.addresses().get(2L), stranger));
    assertTrue(b.handler().requests.isEmpty());

    MutableHandlerRegistry registry = new MutableHandlerRegistry();
    Server server = startServer(0, registry);
    GrpcTransport idle = track(new GrpcTransport(2, Map.of(1L, "127.0.0.1:1"), DEFAULTS, new SimpleMeterRegistry()));
    registry.addService(idle.service());
    assertEquals(Status.Code.UNAVAILABLE,
        streamFailure("127.0.0.1:" + server.getPort(), MessageCodec.encode(append(1, 2, 0))));
  }

  @Test
  void failedAnswerEndsTheStreamAndEveryRequestOnItIsUnreachable() throws Exception {
    Endpoints c = endpoints(2);
    Node a = startNode(1, c, DEFAULTS.withRpcTimeout(Duration.ofSeconds(60)));
    Node b = startNode(2, c, DEFAULTS);
    BlockingQueue<CompletableFuture<RaftMessage>> answers = hold(b.handler());
    for (int i = 0; i < 3; i++) {
      a.transport().send(append(1, 2, i));
    }
    for (int i = 0; i < 3; i++) {
      next(b.handler().requests);
    }
    List<CompletableFuture<RaftMessage>> held = take(answers, 3);

    held.get(1).complete(accept(append(1, 2, 1))); // waits behind the first
    held.get(0).completeExceptionally(new IllegalStateException("node stopped"));

    for (int i = 0; i < 3; i++) {
      assertEquals(2L, next(a.handler().unreachable));
    }
    a.transport().close();
    assertTrue(a.handler().responses.isEmpty());
    assertTrue(a.handler().unreachable.isEmpty());
  }

  /** Makes {@code handler} keep every answer pending; the queue yields them in request order. */
  private static BlockingQueue<CompletableFuture<RaftMessage>> hold(RecordingHandler handler) {
    BlockingQueue<CompletableFuture<RaftMessage>> held = new LinkedBlockingQueue<>();
    handler.answer = request -> {
      CompletableFuture<RaftMessage> f = new CompletableFuture<>();
      held.add(f);
      return f;
    };
    return held;
  }

  /** The next {@code n} held answers (the handler records a request before it makes the answer). */
  private static List<CompletableFuture<RaftMessage>> take(BlockingQueue<CompletableFuture<RaftMessage>> held, int n)
      throws InterruptedException {
    List<CompletableFuture<RaftMessage>> taken = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      taken.add(next(held));
    }
    return taken;
  }

  /** What a raw stream client sees when its only request is refused. */
  private Status.Code streamFailure(String address, AppendEntriesRequest request) throws InterruptedException {
    BlockingQueue<Status> closed = new LinkedBlockingQueue<>();
    StreamObserver<AppendEntriesRequest> requests = RaftServiceGrpc.newStub(channel(address))
        .appendEntriesStream(new StreamObserver<>() {
          @Override
          public void onNext(io.eraft.proto.raftpb.AppendEntriesResponse value) {
            closed.add(Status.INTERNAL.withDescription("unexpected answer " + value));
          }

          @Override
          public void onError(Throwable t) {
            closed.add(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            closed.add(Status.OK);
          }
        });
    requests.onNext(request);
    return next(closed).getCode();
  }

  /** One outcome of a send: an answer or an unreachable report, whichever comes. */
  private record Outcome(RaftMessage response, Long unreachable) {}

  private static Outcome outcome(RecordingHandler handler) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      RaftMessage r = handler.responses.poll(10, TimeUnit.MILLISECONDS);
      if (r != null) {
        return new Outcome(r, null);
      }
      Long u = handler.unreachable.poll();
      if (u != null) {
        return new Outcome(null, u);
      }
    }
    throw new AssertionError("a send had no outcome within " + WAIT_SECONDS + " s");
  }

  /** Counts the calls a server accepted, by method name. */
  static final class CallCounter implements ServerInterceptor {
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      calls.computeIfAbsent(call.getMethodDescriptor().getBareMethodName(), k -> new AtomicInteger()).incrementAndGet();
      return next.startCall(call, headers);
    }

    int count(String method) {
      AtomicInteger n = calls.get(method);
      return n == null ? 0 : n.get();
    }
  }

  /** A running server whose services are added later, as a node starts. */
  record Endpoint(Server server, MutableHandlerRegistry registry) {
    String address() {
      return "127.0.0.1:" + server.getPort();
    }
  }

  /** Servers for nodes 1..n on free ports, and the address map every node's transport gets. */
  private record Endpoints(Map<Long, Endpoint> byId, Map<Long, String> addresses) {
    Endpoint get(long id) {
      return byId.get(id);
    }
  }

  private Endpoints endpoints(int n) {
    Map<Long, Endpoint> byId = new HashMap<>();
    Map<Long, String> addresses = new HashMap<>();
    for (long id = 1; id <= n; id++) {
      Endpoint e = endpoint(0);
      byId.put(id, e);
      addresses.put(id, e.address());
    }
    return new Endpoints(byId, Map.copyOf(addresses));
  }

  private Endpoint endpoint(int port) {
    MutableHandlerRegistry registry = new MutableHandlerRegistry();
    return new Endpoint(startServer(port, registry), registry);
  }

  private Node startNode(long id, Endpoints endpoints, GrpcTransportOptions options) {
    return startNode(id, endpoints.get(id), endpoints.addresses(), options);
  }

  private Node startNode(long id, Endpoint endpoint, Map<Long, String> addresses, GrpcTransportOptions options) {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    GrpcTransport transport = track(new GrpcTransport(id, addresses, options, meters));
    CallCounter calls = new CallCounter();
    endpoint.registry().addService(ServerInterceptors.intercept(transport.service(), calls));
    RecordingHandler handler = new RecordingHandler();
    transport.start(handler);
    return new Node(id, transport, handler, endpoint.server(), calls, meters);
  }

  private Server startServer(int port, MutableHandlerRegistry services) {
    return GrpcCluster.startServer(port, services, DEFAULTS.maxInboundMessageBytes(), servers);
  }

  private GrpcTransport track(GrpcTransport transport) {
    transports.add(transport);
    return transport;
  }

  private ManagedChannel channel(String address) {
    ManagedChannel channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  private RaftServiceGrpc.RaftServiceBlockingStub blockingStub(String address) {
    return RaftServiceGrpc.newBlockingStub(channel(address)).withDeadlineAfter(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** The {@code i}-th heartbeat of a pipeline: prev_log_index {@code i + 1}, read round {@code i}. */
  private static AppendEntries append(long from, long to, int i) {
    return new AppendEntries(from, to, 1, i + 1, 1, List.of(), 0, i, 0, 0, 0);
  }

  private static AppendEntriesResponse accept(AppendEntries ae) {
    return new AppendEntriesResponse(ae.to(), ae.from(), ae.term(), true, ae.lastIndex(), 0, 0, ae.readRound(), false, 0);
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }
}
