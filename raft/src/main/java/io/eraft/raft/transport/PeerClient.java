package io.eraft.raft.transport;

import com.google.protobuf.MessageLite;
import io.eraft.proto.raftpb.AppendEntriesRequest;
import io.eraft.proto.raftpb.RaftServiceGrpc;
import io.eraft.proto.raftpb.RequestVoteRequest;
import io.eraft.raft.core.AppendEntries;
import io.eraft.raft.core.RaftMessage;
import io.eraft.raft.core.RequestVote;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one peer link: a plaintext gRPC channel to the peer, the number of calls
 * awaiting an answer, and whether the last call succeeded (so an outage is logged once at WARN, its
 * end once at INFO, and each failure at DEBUG).
 *
 * <p>Thread-safe. Answers are handled on gRPC's transport threads (direct executor): they only
 * decode and hand over to the {@link InboundHandler}, which enqueues. Owns its channel, released by
 * {@link #shutdownNow()}. Never retries: the Raft core decides when to send again.
 */
final class PeerClient {
  private static final Logger LOG = LoggerFactory.getLogger(PeerClient.class);

  /**
   * Keepalive pings go out only while calls are outstanding and nothing was read for this long,
   * i.e. when the connection is half-open (peer host lost power); without them every call would
   * fail by deadline until TCP gives up, which takes about 15 minutes.
   */
  private static final long KEEPALIVE_TIME_SECONDS = 30;

  private static final long KEEPALIVE_TIMEOUT_SECONDS = 10;

  /**
   * gRPC backs off reconnecting to a down peer up to 2 minutes; a restarted peer should rejoin
   * within a heartbeat or two, so a failing call cuts the backoff short at most this often.
   */
  private static final long RECONNECT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final long self;
  private final long peer;
  private final String address;
  private final GrpcTransportOptions options;
  private final PeerMetrics metrics;
  private final ManagedChannel channel;
  private final RaftServiceGrpc.RaftServiceStub asyncStub;
  private final RaftServiceGrpc.RaftServiceBlockingStub blockingStub;
  private final AtomicInteger outstanding = new AtomicInteger();
  private final AtomicBoolean reachable = new AtomicBoolean(true);
  private final AtomicLong nextReconnectNanos = new AtomicLong(System.nanoTime());

  /** Creates the channel; it connects on the first call. */
  PeerClient(long self, long peer, String address, GrpcTransportOptions options, PeerMetrics metrics) {
    this.self = self;
    this.peer = peer;
    this.address = address;
    this.options = options;
    this.metrics = metrics;
    this.channel = NettyChannelBuilder.forTarget(address)
        .usePlaintext()
        .directExecutor()
        .disableRetry()
        .maxInboundMessageSize(options.maxInboundMessageBytes())
        .keepAliveTime(KEEPALIVE_TIME_SECONDS, TimeUnit.SECONDS)
        .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(false)
        .build();
    this.asyncStub = RaftServiceGrpc.newStub(channel);
    this.blockingStub = RaftServiceGrpc.newBlockingStub(channel);
  }

  /**
   * Starts a call carrying {@code request}, a {@link RequestVote} or an {@link AppendEntries}; its
   * answer goes to {@code handler.handleResponse}, or a failure to {@code handler.peerUnreachable}
   * (on the calling thread when the outstanding limit drops the request).
   */
  void send(RaftMessage request, InboundHandler handler) {
    if (outstanding.incrementAndGet() > options.maxOutstandingRequestsPerPeer()) {
      outstanding.decrementAndGet();
      failed(handler, Status.RESOURCE_EXHAUSTED.withDescription(
          "dropped: " + options.maxOutstandingRequestsPerPeer() + " requests already outstanding"));
      return;
    }
    RaftServiceGrpc.RaftServiceStub stub =
        asyncStub.withDeadlineAfter(options.rpcTimeout().toNanos(), TimeUnit.NANOSECONDS);
    if (request instanceof RequestVote rv) {
      RequestVoteRequest wire = MessageCodec.encode(rv);
      metrics.sent(wire.getSerializedSize());
      stub.requestVote(wire, new Answer<>(handler, r -> MessageCodec.decodeRequestVoteResponse(r, peer, self)));
    } else {
      AppendEntriesRequest wire = MessageCodec.encode((AppendEntries) request);
      metrics.sent(wire.getSerializedSize());
      stub.appendEntries(wire, new Answer<>(handler, r -> MessageCodec.decodeAppendEntriesResponse(r, peer, self)));
    }
  }

  /**
   * Sends one snapshot chunk and waits for the answer (blocks the calling snapshot thread).
   *
   * @throws StatusRuntimeException if the call fails, times out, or the thread is interrupted
   * @throws IllegalArgumentException if the answer is malformed
   */
  SnapshotChunkReply installSnapshot(SnapshotChunk chunk) {
    io.eraft.proto.raftpb.InstallSnapshotRequest wire = MessageCodec.encode(chunk);
    metrics.sent(wire.getSerializedSize());
    io.eraft.proto.raftpb.InstallSnapshotResponse answer;
    try {
      answer = blockingStub
          .withDeadlineAfter(options.snapshotChunkTimeout().toNanos(), TimeUnit.NANOSECONDS)
          .installSnapshot(wire);
    } catch (StatusRuntimeException e) {
      metrics.sendFailed();
      noteFailure(e.getStatus());
      throw e;
    }
    metrics.received(answer.getSerializedSize());
    noteSuccess();
    return MessageCodec.decodeSnapshotChunkReply(answer);
  }

  /** Cancels outstanding calls (each reported as a failure) and starts closing the channel. */
  void shutdownNow() {
    channel.shutdownNow();
  }

  /** Waits up to {@code nanos} for the channel to release its resources. */
  boolean awaitTermination(long nanos) throws InterruptedException {
    return channel.awaitTermination(nanos, TimeUnit.NANOSECONDS);
  }

  private void failed(InboundHandler handler, Status status) {
    metrics.sendFailed();
    noteFailure(status);
    handler.peerUnreachable(peer);
  }

  private void noteFailure(Status status) {
    if (status.getCode() == Status.Code.UNAVAILABLE) {
      reconnectSooner();
    }
    if (!channel.isShutdown() && reachable.compareAndSet(true, false)) {
      LOG.warn("peer {} at {} is unreachable from node {}: {} {}", peer, address, self, status.getCode(),
          status.getDescription());
    } else {
      LOG.debug("call from node {} to peer {} failed: {} {}", self, peer, status.getCode(), status.getDescription());
    }
  }

  private void noteSuccess() {
    if (reachable.compareAndSet(false, true)) {
      LOG.info("peer {} at {} is reachable again from node {}", peer, address, self);
    }
  }

  private void reconnectSooner() {
    long now = System.nanoTime();
    long next = nextReconnectNanos.get();
    if (now - next >= 0 && nextReconnectNanos.compareAndSet(next, now + RECONNECT_INTERVAL_NANOS)) {
      channel.resetConnectBackoff();
    }
  }

  /**
   * Completes one unary call: exactly one of {@code handleResponse} or {@code peerUnreachable}.
   * gRPC calls {@code onNext} then {@code onCompleted}, or only {@code onError}, serially.
   */
  private final class Answer<P extends MessageLite> implements StreamObserver<P> {
    private final InboundHandler handler;
    private final Function<P, RaftMessage> decode;
    private final long startNanos = System.nanoTime();
    private P answer;

    Answer(InboundHandler handler, Function<P, RaftMessage> decode) {
      this.handler = handler;
      this.decode = decode;
    }

    @Override
    public void onNext(P value) {
      answer = value;
    }

    @Override
    public void onError(Throwable t) {
      outstanding.decrementAndGet();
      failed(handler, Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      outstanding.decrementAndGet();
      RaftMessage response;
      try {
        response = decode.apply(answer);
      } catch (IllegalArgumentException e) {
        failed(handler, Status.INTERNAL.withDescription("malformed answer: " + e.getMessage()));
        return;
      }
      metrics.received(answer.getSerializedSize());
      metrics.roundTrip(System.nanoTime() - startNanos);
      noteSuccess();
      handler.handleResponse(response);
    }
  }
}
