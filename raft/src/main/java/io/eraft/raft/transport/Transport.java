package io.eraft.raft.transport;

import io.eraft.raft.SnapshotSource;
import io.eraft.raft.core.InstallSnapshotResponse;
import io.eraft.raft.core.RaftMessage;
import java.util.concurrent.CompletableFuture;

/**
 * Carries Raft traffic between peers; one instance per node. Thread-safe. Two implementations pass
 * the same contract tests: {@code GrpcTransport} ({@code raftpb.RaftService}) and the test-jar's
 * in-memory simulated network.
 *
 * <p>The model is request/response (eRaft's RPCs): the node sends requests with {@link #send}; the
 * peer's answer comes back through {@link InboundHandler#handleResponse}, or, if the request or its
 * answer was lost or timed out, {@link InboundHandler#peerUnreachable} is called instead — exactly
 * one of the two per request, on a transport thread or, for a request dropped at once, on the
 * sending thread.
 *
 * <p>A peer the transport does not know is a configuration error: a transport with a fixed peer set
 * ({@code GrpcTransport}) throws {@link IllegalArgumentException}; the simulated network, whose
 * nodes come and go, reports it unreachable.
 *
 * <p>Lifecycle: construct, {@link #start}, send, {@link #close}. Sending before {@link #start}
 * throws {@link IllegalStateException}; after {@link #close} every request is reported unreachable.
 */
public interface Transport extends AutoCloseable {
  /** Starts delivering inbound traffic to {@code handler}. Called once, before any send. */
  void start(InboundHandler handler);

  /**
   * Sends a {@code RequestVote} or {@code AppendEntries}; never blocks. A transport bounds what it
   * queues per peer: beyond that it drops the request and reports the peer unreachable.
   *
   * @throws IllegalArgumentException for any other message kind
   */
  void send(RaftMessage request);

  /**
   * Streams {@code snapshot} to peer {@code to} in chunks (offset/done, Raft paper figure 13) on
   * behalf of leader {@code term}. Completes with the peer's answer to the last chunk; fails with
   * {@link HigherTermException} if the peer is in a later term, or {@link SnapshotSendException} if
   * any chunk is lost, refused or times out. The transport closes {@code snapshot} when done.
   */
  CompletableFuture<InstallSnapshotResponse> sendSnapshot(long to, long term, SnapshotSource snapshot);

  /** Stops sending and delivering; outstanding requests are reported unreachable or dropped. */
  @Override
  void close();
}
