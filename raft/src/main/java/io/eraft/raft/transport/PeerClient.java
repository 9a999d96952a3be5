package io.eraft.raft.transport;

import com.google.protobuf.MessageLite;
import io.eraft.proto.raftpb.AppendEntriesRequest;
import io.eraft.proto.raftpb.RaftServiceGrpc;
import io.eraft.proto.raftpb.GroupQueryRequest;
import io.eraft.proto.raftpb.RequestVoteRequest;
import io.eraft.raft.core.AppendEntries;
import io.eraft.raft.core.RaftMessage;
import io.eraft.raft.core.GroupQuery;
import io.eraft.raft.core.RequestVote;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one peer link: a plaintext gRPC channel to the peer, the one long-lived
 * {@code AppendEntriesStream} call carrying AppendEntries (heartbeats included) to it, the number of
 * requests awaiting an answer, and whether the last request succeeded (so an outage is logged once
 * at WARN, its end once at INFO, and each failure at DEBUG).
 *
 * <p><b>AppendEntries</b> are written to the stream, opened on first use: the answers come back in
 * request order, so a FIFO of send times pairs each answer with its request (round-trip time) and
 * tells {@link #expireStreams} the age of the oldest unanswered one. When that age passes {@link
 * GrpcTransportOptions#rpcTimeout()} the stream is cancelled; when a stream fails or ends, every
 * request still on it is reported unreachable, once, and the next send opens a new stream. A stream
 * with nothing outstanding for {@link #IDLE_STREAM_NANOS} is closed, so an idle link holds no call
 * (and no keepalive pings go out for it). A peer whose server lacks the RPC ({@code UNIMPLEMENTED}:
 * eRaft's own servers) gets unary AppendEntries calls for {@link #UNARY_FALLBACK_NANOS} before the
 * stream is tried again. <b>RequestVote</b> stays a unary call with {@code rpcTimeout} as deadline:
 * votes are rare.
 *
 * <p>Thread-safe. A lock guards the current stream and its FIFO; it is held while a request is
 * written (gRPC only buffers it, never blocks) so that FIFO order is write order, and never while
 * the {@link InboundHandler} is called, except when gRPC fails a call inline in the write, which
 * reports on the sending thread (the handler does not block, per its contract). Answers are handled
 * on gRPC's transport threads (direct executor): they only decode and hand over to the handler,
 * which enqueues. Owns its channel, released by {@link #shutdownNow()}. Never retries: the Raft core
 * decides when to send again.
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

  /**
   * A stream with nothing outstanding for this long is closed: a follower no longer led by this
   * node should not hold a call open, which would keep keepalive pings going (every {@link
   * #KEEPALIVE_TIME_SECONDS} on a silent connection with a call open) and make servers with gRPC's
   * default {@code permitKeepAliveTime} answer with GOAWAY. Well below the keepalive time, far above
   * any heartbeat interval.
   */
  static final long IDLE_STREAM_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** After a peer answers the stream with {@code UNIMPLEMENTED}, AppendEntries go unary this long. */
  static final long UNARY_FALLBACK_NANOS = TimeUnit.MINUTES.toNanos(1);

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
  private final Object lock = new Object();

  /** The stream new AppendEntries go to; null until the next send opens one. Guarded by lock. */
  private AppendStream stream;

  /** AppendEntries go unary until this time (System.nanoTime) after an UNIMPLEMENTED answer. */
  private volatile long unaryUntilNanos;

  private volatile boolean unaryFallback;

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
   * Sends {@code request}, a {@link RequestVote} or {@link GroupQuery} (unary calls) or an {@link AppendEntries} (on the
   * stream); its answer goes to {@code handler.handleResponse}, or a failure to {@code
   * handler.peerUnreachable} (on the calling thread when the outstanding limit drops the request).
   */
  void send(RaftMessage request, InboundHandler handler) {
    if (outstanding.incrementAndGet() > options.maxOutstandingRequestsPerPeer()) {
      outstanding.decrementAndGet();
      failed(handler, Status.RESOURCE_EXHAUSTED.withDescription(
          "dropped: " + options.maxOutstandingRequestsPerPeer() + " requests already outstanding"));
      return;
    }
    if (request instanceof RequestVote rv) {
      RequestVoteRequest wire = MessageCodec.encode(rv);
      metrics.sent(wire.getSerializedSize());
      unaryStub().requestVote(wire, new Answer<>(handler, r -> MessageCodec.decodeRequestVoteResponse(r, peer, self)));
      return;
    }
    if (request instanceof GroupQuery q) {
      GroupQueryRequest wire = MessageCodec.encode(q);
      metrics.sent(wire.getSerializedSize());
      unaryStub().queryGroup(wire, new Answer<>(handler, r -> MessageCodec.decodeGroupQueryResponse(r, peer, self)));
      return;
    }
    AppendEntriesRequest wire = MessageCodec.encode((AppendEntries) request);
    metrics.sent(wire.getSerializedSize());
    if (unaryFallback && System.nanoTime() - unaryUntilNanos < 0) {
      unaryStub().appendEntries(wire,
          new Answer<>(handler, r -> MessageCodec.decodeAppendEntriesResponse(r, peer, self)));
      return;
    }
    boolean written;
    synchronized (lock) {
      AppendStream s = stream;
      if (s == null) {
        s = new AppendStream(handler);
        stream = s;
        asyncStub.appendEntriesStream(s); // may fail the call inline, ending s
      }
      written = s.write(wire);
    }
    if (!written) {
      outstanding.decrementAndGet();
      failed(handler, Status.UNAVAILABLE.withDescription("the stream to the peer failed as it opened"));
    }
  }

  /**
   * Cancels the stream if its oldest request has waited longer than {@code rpcTimeout} (each
   * request on it is then reported unreachable), or closes it if it has been idle for {@link
   * #IDLE_STREAM_NANOS}. Called by the transport's timer every quarter {@code rpcTimeout}, so a
   * request times out between 1 and 1.25 {@code rpcTimeout} after it was sent.
   */
  void expireStreams(long nowNanos) {
    AppendStream expired = null;
    String reason = null;
    synchronized (lock) {
      AppendStream s = stream;
      if (s != null) {
        if (!s.sentNanos.isEmpty() && nowNanos - s.sentNanos.peekFirst() > options.rpcTimeout().toNanos()) {
          reason = "no answer within " + options.rpcTimeout().toMillis() + " ms";
          s.timedOut = true;
        } else if (s.sentNanos.isEmpty() && nowNanos - s.lastWriteNanos > IDLE_STREAM_NANOS) {
          reason = "idle";
        }
        if (reason != null) {
          s.retire();
          expired = s;
        }
      }
    }
    if (expired != null) {
      // Outside the lock: a cancel may complete the call inline, which reports to the handler.
      expired.requests.cancel(reason, null);
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

  /** Cancels outstanding calls and the stream (each request reported as a failure) and closes the channel. */
  void shutdownNow() {
    channel.shutdownNow();
  }

  /** Waits up to {@code nanos} for the channel to release its resources. */
  boolean awaitTermination(long nanos) throws InterruptedException {
    return channel.awaitTermination(nanos, TimeUnit.NANOSECONDS);
  }

  private RaftServiceGrpc.RaftServiceStub unaryStub() {
    return asyncStub.withDeadlineAfter(options.rpcTimeout().toNanos(), TimeUnit.NANOSECONDS);
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
      LOG.atWarn().addKeyValue("peer", peer).addKeyValue("address", address).addKeyValue("code", status.getCode())
          .log("node {} cannot reach a peer: {}", self, status.getDescription());
    } else {
      LOG.debug("call from node {} to peer {} failed: {} {}", self, peer, status.getCode(), status.getDescription());
    }
  }

  private void noteSuccess() {
    if (reachable.compareAndSet(false, true)) {
      LOG.atInfo().addKeyValue("peer", peer).addKeyValue("address", address).log("node {} reaches the peer again", self);
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
   * One {@code AppendEntriesStream} call. gRPC calls {@code onNext} for each answer, then {@code
   * onError} or {@code onCompleted} once, serially; the FIFO {@code sentNanos} holds one send time
   * per request without an answer yet, so each request ends in exactly one answer or one failure.
   */
  private final class AppendStream
      implements ClientResponseObserver<AppendEntriesRequest, io.eraft.proto.raftpb.AppendEntriesResponse> {
    private final InboundHandler handler;
    /** Guarded by lock, like every field below. */
    private final ArrayDeque<Long> sentNanos = new ArrayDeque<>();
    private ClientCallStreamObserver<AppendEntriesRequest> requests;
    private long lastWriteNanos = System.nanoTime();
    /** No more writes: the call failed, ended, or was cancelled by {@link #expireStreams}. */
    private boolean ended;
    private boolean timedOut;

    AppendStream(InboundHandler handler) {
      this.handler = handler;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<AppendEntriesRequest> requestStream) {
      requests = requestStream;
    }

    /** Writes one request (caller holds lock); false if the call has already ended. */
    boolean write(AppendEntriesRequest wire) {
      if (ended) {
        return false;
      }
      lastWriteNanos = System.nanoTime();
      sentNanos.addLast(lastWriteNanos);
      // gRPC buffers the message and flushes it on the event loop; consecutive writes coalesce.
      requests.onNext(wire);
      return true;
    }

    @Override
    public void onNext(io.eraft.proto.raftpb.AppendEntriesResponse answer) {
      Long sent;
      synchronized (lock) {
        sent = sentNanos.pollFirst();
      }
      if (sent == null) {
        // More answers than requests: the peer broke the protocol, so its answers cannot be paired.
        LOG.warn("peer {} at {} answered node {} with more AppendEntries responses than requests; reopening the"
            + " stream", peer, address, self);
        synchronized (lock) {
          retire();
        }
        requests.cancel("more answers than requests", null); // onError reports what is outstanding
        return;
      }
      outstanding.decrementAndGet();
      RaftMessage response;
      try {
        response = MessageCodec.decodeAppendEntriesResponse(answer, peer, self);
      } catch (IllegalArgumentException e) {
        failed(handler, Status.INTERNAL.withDescription("malformed answer: " + e.getMessage()));
        return;
      }
      metrics.received(answer.getSerializedSize());
      metrics.roundTrip(System.nanoTime() - sent);
      noteSuccess();
      handler.handleResponse(response);
    }

    @Override
    public void onError(Throwable t) {
      Status status = Status.fromThrowable(t);
      boolean timeout;
      synchronized (lock) {
        timeout = timedOut;
      }
      if (timeout) {
        status = Status.DEADLINE_EXCEEDED.withDescription(
            "no answer on the stream within " + options.rpcTimeout().toMillis() + " ms");
      } else if (status.getCode() == Status.Code.UNIMPLEMENTED) {
        unaryUntilNanos = System.nanoTime() + UNARY_FALLBACK_NANOS;
        unaryFallback = true;
        LOG.info("peer {} at {} does not serve AppendEntriesStream; node {} sends it unary AppendEntries", peer,
            address, self);
      }
      lost(status);
    }

    @Override
    public void onCompleted() {
      lost(Status.UNAVAILABLE.withDescription("the peer ended the stream"));
    }

    /**
     * Takes no more writes (caller holds lock), so the next send opens a new stream; done before the
     * call is cancelled, since gRPC refuses writes to a cancelled call.
     */
    void retire() {
      ended = true;
      if (stream == this) {
        stream = null;
      }
    }

    /** The call is over: every request still without an answer is lost. */
    private void lost(Status status) {
      int unanswered;
      synchronized (lock) {
        retire();
        unanswered = sentNanos.size();
        sentNanos.clear();
      }
      if (unanswered == 0) {
        LOG.debug("stream from node {} to peer {} ended with nothing outstanding: {} {}", self, peer,
            status.getCode(), status.getDescription());
        return;
      }
      outstanding.addAndGet(-unanswered);
      for (int i = 0; i < unanswered; i++) {
        failed(handler, status);
      }
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
