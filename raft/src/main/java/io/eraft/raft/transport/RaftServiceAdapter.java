package io.eraft.raft.transport;

import com.google.protobuf.MessageLite;
import io.eraft.proto.raftpb.AppendEntriesRequest;
import io.eraft.proto.raftpb.InstallSnapshotRequest;
import io.eraft.proto.raftpb.RaftServiceGrpc;
import io.eraft.proto.raftpb.RequestVoteRequest;
import io.eraft.raft.core.AppendEntriesResponse;
import io.eraft.raft.core.RaftMessage;
import io.eraft.raft.core.RequestVoteResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of {@code raftpb.RaftService}: decodes each call, passes it to the node's
 * {@link InboundHandler} and answers when the handler's future completes.
 *
 * <p>Status codes: {@code INVALID_ARGUMENT} for a malformed request or one from a sender that is not
 * a peer; {@code UNAVAILABLE} before {@link #attach}, after {@link #detach}, or when the handler's
 * future fails (the node stopped); {@code INTERNAL} if the handler answers with the wrong kind or
 * null.
 *
 * <p>Thread-safe and non-blocking, so it may run on a direct-executor server: gRPC threads only
 * decode and call the handler, which enqueues; the answer is sent from whichever thread completes
 * the handler's future.
 */
final class RaftServiceAdapter extends RaftServiceGrpc.RaftServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(RaftServiceAdapter.class);

  private final long self;
  private final Map<Long, PeerMetrics> peers;
  private volatile InboundHandler handler;

  /** {@code peers}: the meters of every peer allowed to call, keyed by id (this node excluded). */
  RaftServiceAdapter(long self, Map<Long, PeerMetrics> peers) {
    this.self = self;
    this.peers = Map.copyOf(peers);
  }

  /** Starts passing calls to {@code h}. */
  void attach(InboundHandler h) {
    handler = h;
  }

  /** Answers every later call with {@code UNAVAILABLE}. */
  void detach() {
    handler = null;
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
      out.onError(Status.UNAVAILABLE.withDescription("node " + self + " is not serving Raft traffic")
          .asRuntimeException());
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
}
