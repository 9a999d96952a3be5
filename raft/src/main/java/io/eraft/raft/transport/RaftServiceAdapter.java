package io.eraft.raft.transport;

import com.google.protobuf.MessageLite;
import io.eraft.proto.raftpb.AppendEntriesRequest;
import io.eraft.proto.raftpb.InstallSnapshotRequest;
import io.eraft.proto.raftpb.RaftServiceGrpc;
import io.eraft.proto.raftpb.GroupQueryRequest;
import io.eraft.proto.raftpb.RequestVoteRequest;
import io.eraft.raft.core.AppendEntries;
import io.eraft.raft.core.AppendEntriesResponse;
import io.eraft.raft.core.RaftMessage;
import io.eraft.raft.core.GroupQueryResponse;
import io.eraft.raft.core.RequestVoteResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of {@code raftpb.RaftService}: decodes each call, passes it to the node's
 * {@link InboundHandler} and answers when the handler's future completes. eRaft's unary RPCs are
 * served as eRaft defines them; {@code AppendEntriesStream} answers each request on the stream in
 * request order (a FIFO of the handler's futures, flushed from its head whenever one completes, so a
 * later answer that is ready first waits for the earlier ones).
 *
 * <p>Status codes, for a unary call or, ending it, for a stream: {@code INVALID_ARGUMENT} for a
 * malformed request or one from a sender that is not a peer; {@code UNAVAILABLE} before {@link
 * #attach}, after {@link #detach} (which also ends the open streams, so a graceful server shutdown
 * is not held up by them), or when the handler's future fails (the node stopped); {@code INTERNAL}
 * if the handler answers with the wrong kind or null.
 *
 * <p>Flow control on a stream: at most {@code maxUnansweredPerStream} requests are taken from the
 * peer before their answers are written, and answers written while the peer is not reading (gRPC's
 * {@code isReady} false) count against that window too; HTTP/2 flow control holds back the rest on
 * the sender, whose own outstanding limit then drops requests.
 *
 * <p>Thread-safe and non-blocking, so it may run on a direct-executor server: gRPC threads only
 * decode and call the handler, which enqueues; the answer is sent from whichever thread completes
 * the handler's future (for a stream, under that stream's lock, which serializes its writes).
 */
final class RaftServiceAdapter extends RaftServiceGrpc.RaftServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(RaftServiceAdapter.class);

  private final long self;
  private final Map<Long, PeerMetrics> peers;
  private final int maxUnansweredPerStream;
  private final Set<InboundStream> streams = ConcurrentHashMap.newKeySet();
  private volatile InboundHandler handler;

  /**
   * @param peers the meters of every peer allowed to call, keyed by id (this node excluded)
   * @param maxUnansweredPerStream requests one stream may have taken in without their answers
   *     written (the flow-control window described above)
   */
  RaftServiceAdapter(long self, Map<Long, PeerMetrics> peers, int maxUnansweredPerStream) {
    if (maxUnansweredPerStream <= 0) {
      throw new IllegalArgumentException("maxUnansweredPerStream must be positive, got " + maxUnansweredPerStream);
    }
    this.self = self;
    this.peers = Map.copyOf(peers);
    this.maxUnansweredPerStream = maxUnansweredPerStream;
  }

  /** Starts passing calls to {@code h}. */
  void attach(InboundHandler h) {
    handler = h;
  }

  /** Answers every later call, and every open stream, with {@code UNAVAILABLE}. */
  void detach() {
    handler = null;
    for (InboundStream s : streams) {
      s.end(Status.UNAVAILABLE.withDescription("node " + self + " stopped serving Raft traffic"));
    }
  }

  @Override
  public void requestVote(
      RequestVoteRequest request, StreamObserver<io.eraft.proto.raftpb.RequestVoteResponse> out) {
    serve(request.getCandidateId(), request, out,
        () -> MessageCodec.decodeRequestVote(request, self),
        InboundHandler::handleRequest,
        answer -> MessageCodec.encode(expect(answer, RequestVoteResponse.class)));
  }

  @Override
  public void appendEntries(
      AppendEntriesRequest request, StreamObserver<io.eraft.proto.raftpb.AppendEntriesResponse> out) {
    serve(request.getLeaderId(), request, out,
        () -> MessageCodec.decodeAppendEntries(request, self),
        InboundHandler::handleRequest,
        answer -> MessageCodec.encode(expect(answer, AppendEntriesResponse.class)));
  }

  @Override
  public void queryGroup(
      GroupQueryRequest request, StreamObserver<io.eraft.proto.raftpb.GroupQueryResponse> out) {
    serve(request.getNodeId(), request, out,
        () -> MessageCodec.decodeGroupQuery(request, self),
        InboundHandler::handleRequest,
        answer -> MessageCodec.encode(expect(answer, GroupQueryResponse.class)));
  }

  @Override
  public StreamObserver<AppendEntriesRequest> appendEntriesStream(
      StreamObserver<io.eraft.proto.raftpb.AppendEntriesResponse> out) {
    InboundStream s = new InboundStream((ServerCallStreamObserver<io.eraft.proto.raftpb.AppendEntriesResponse>) out);
    streams.add(s);
    if (handler == null) {
      s.end(notServing()); // before attach, or detach ran before the add above
    }
    return s;
  }

  @Override
  public void installSnapshot(
      InstallSnapshotRequest request, StreamObserver<io.eraft.proto.raftpb.InstallSnapshotResponse> out) {
    serve(request.getLeaderId(), request, out,
        () -> MessageCodec.decodeSnapshotChunk(request, self),
        InboundHandler::handleSnapshotChunk,
        MessageCodec::encode);
  }

  /**
   * One call: check the sender and the message ({@code decode}), ask the handler ({@code call}),
   * then answer with {@code encode} of the result.
   */
  private <T, R, P extends MessageLite> void serve(long sender, MessageLite request, StreamObserver<P> out,
      Supplier<T> decode, BiFunction<InboundHandler, T, CompletableFuture<R>> call, Function<R, P> encode) {
    InboundHandler h = handler;
    if (h == null) {
      out.onError(notServing().asRuntimeException());
      return;
    }
    PeerMetrics metrics = peers.get(sender);
    if (metrics == null) {
      reject(out, "sender " + sender + " is not a peer of node " + self);
      return;
    }
    metrics.received(request.getSerializedSize());
    T message;
    try {
      message = decode.get();
    } catch (IllegalArgumentException e) {
      reject(out, e.getMessage());
      return;
    }
    call.apply(h, message).whenComplete((answer, error) -> {
      if (error != null) {
        LOG.debug("node {} could not answer peer {}: {}", self, sender, error.toString());
        out.onError(Status.UNAVAILABLE.withDescription("node " + self + " did not answer: " + error)
            .asRuntimeException());
        return;
      }
      P reply;
      try {
        reply = encode.apply(answer);
      } catch (RuntimeException e) {
        // A bug in the handler (wrong kind, or null); the peer sees INTERNAL rather than a hang.
        LOG.error("node {} answered peer {} wrongly: {}", self, sender, e.toString());
        out.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
        return;
      }
      metrics.sent(reply.getSerializedSize());
      out.onNext(reply);
      out.onCompleted();
    });
  }

  private Status notServing() {
    return Status.UNAVAILABLE.withDescription("node " + self + " is not serving Raft traffic");
  }

  private void reject(StreamObserver<?> out, String reason) {
    LOG.debug("node {} rejected a Raft call: {}", self, reason);
    out.onError(Status.INVALID_ARGUMENT.withDescription(reason).asRuntimeException());
  }

  private static <M extends RaftMessage> M expect(RaftMessage answer, Class<M> kind) {
    if (!kind.isInstance(answer)) {
      throw new IllegalStateException("handler answered with "
          + (answer == null ? "null" : answer.getClass().getSimpleName())
          + " where " + kind.getSimpleName() + " was expected");
    }
    return kind.cast(answer);
  }

  /** One request on a stream, with the meters of its sender, awaiting the handler's answer. */
  private record Pending(CompletableFuture<RaftMessage> answer, long sender, PeerMetrics metrics) {}

  /**
   * One {@code AppendEntriesStream} call. gRPC delivers requests, half-close and cancellation
   * serially on its threads; answers are written by {@link #flush} from whichever thread completes a
   * handler future. Every use of {@code out} and every field below is guarded by this object's lock,
   * since a {@code ServerCall} is not thread-safe.
   */
  private final class InboundStream implements StreamObserver<AppendEntriesRequest> {
    private final ServerCallStreamObserver<io.eraft.proto.raftpb.AppendEntriesResponse> out;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Window credits earned by written answers but held back while {@code out} is not ready. */
    private int owed;
    private boolean halfClosed;
    /** The call is over (answered with an error, completed, or cancelled): nothing more is written. */
    private boolean ended;

    InboundStream(ServerCallStreamObserver<io.eraft.proto.raftpb.AppendEntriesResponse> out) {
      this.out = out;
      // All three must be set before appendEntriesStream returns.
      out.disableAutoRequest();
      out.setOnCancelHandler(this::cancelled);
      out.setOnReadyHandler(this::ready);
      synchronized (this) {
        out.request(maxUnansweredPerStream);
      }
    }

    @Override
    public void onNext(AppendEntriesRequest request) {
      synchronized (this) {
        if (ended) {
          return; // already answered with an error; gRPC may still deliver what was in flight
        }
      }
      InboundHandler h = handler;
      if (h == null) {
        end(notServing());
        return;
      }
      long sender = request.getLeaderId();
      PeerMetrics metrics = peers.get(sender);
      if (metrics == null) {
        end(invalid("sender " + sender + " is not a peer of node " + self));
        return;
      }
      metrics.received(request.getSerializedSize());
      AppendEntries message;
      try {
        message = MessageCodec.decodeAppendEntries(request, self);
      } catch (IllegalArgumentException e) {
        end(invalid(e.getMessage()));
        return;
      }
      CompletableFuture<RaftMessage> answer = h.handleRequest(message);
      synchronized (this) {
        if (ended) {
          return;
        }
        pending.addLast(new Pending(answer, sender, metrics));
      }
      answer.whenComplete((a, e) -> flush());
    }

    @Override
    public void onError(Throwable t) {
      // The peer cancelled, or the connection broke; answers still to come have nowhere to go.
      cancelled();
    }

    @Override
    public void onCompleted() {
      synchronized (this) {
        halfClosed = true;
      }
      flush();
    }

    /** Writes the answers at the head of the FIFO that are ready, in request order. */
    synchronized void flush() {
      int written = 0;
      while (!ended && !pending.isEmpty() && pending.peekFirst().answer().isDone()) {
        Pending p = pending.pollFirst();
        RaftMessage answer;
        try {
          answer = p.answer().join();
        } catch (CompletionException | CancellationException e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          LOG.debug("node {} could not answer peer {}: {}", self, p.sender(), cause.toString());
          end(Status.UNAVAILABLE.withDescription("node " + self + " did not answer: " + cause));
          return;
        }
        io.eraft.proto.raftpb.AppendEntriesResponse reply;
        try {
          reply = MessageCodec.encode(expect(answer, AppendEntriesResponse.class));
        } catch (RuntimeException e) {
          // A bug in the handler (wrong kind, or null); the peer sees INTERNAL rather than a hang.
          LOG.error("node {} answered peer {} wrongly: {}", self, p.sender(), e.toString());
          end(Status.INTERNAL.withDescription(e.toString()));
          return;
        }
        p.metrics().sent(reply.getSerializedSize());
        out.onNext(reply);
        written++;
      }
      if (ended) {
        return;
      }
      grant(written);
      if (halfClosed && pending.isEmpty()) {
        ended = true;
        streams.remove(this);
        out.onCompleted();
      }
    }

    /** Ends the call with {@code status} unless it is already over; idempotent. */
    synchronized void end(Status status) {
      if (ended) {
        return;
      }
      ended = true;
      pending.clear();
      streams.remove(this);
      out.onError(status.asRuntimeException());
    }

    private synchronized void cancelled() {
      ended = true;
      pending.clear();
      streams.remove(this);
    }

    /** Lets the peer send {@code n} more requests now, or once it reads again. */
    private void grant(int n) {
      owed += n;
      if (owed > 0 && out.isReady()) {
        out.request(owed);
        owed = 0;
      }
    }

    private synchronized void ready() {
      if (!ended) {
        grant(0);
      }
    }

    private Status invalid(String reason) {
      LOG.debug("node {} rejected a Raft stream: {}", self, reason);
      return Status.INVALID_ARGUMENT.withDescription(reason);
    }
  }
}
