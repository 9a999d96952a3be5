package io.eraft.raft.sim;

import io.eraft.raft.SnapshotSource;
import io.eraft.raft.core.AppendEntries;
import io.eraft.raft.core.InstallSnapshotResponse;
import io.eraft.raft.core.RaftMessage;
import io.eraft.raft.core.GroupQuery;
import io.eraft.raft.core.RequestVote;
import io.eraft.raft.transport.InboundHandler;
import io.eraft.raft.transport.Transport;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One node's endpoint on a {@link SimNetwork}, obtained from {@link SimNetwork#transport(long)}: a
 * {@link Transport} whose traffic the network delays, drops, duplicates or cuts as its test asks.
 * It passes the same contract suite as {@code GrpcTransport} ({@code TransportContractTest}).
 *
 * <p>An endpoint serves one incarnation of a node: {@link SimNetwork#kill(long)}, {@link #close()},
 * or a later {@link SimNetwork#transport(long)} for the same id end it for good, and a restarted node
 * gets a new endpoint. A peer that is not on the network (never created, killed, closed, or not
 * started yet) is reported unreachable after the network's failure delay, like a peer that is down:
 * unlike {@code GrpcTransport}, this transport has no fixed peer list.
 *
 * <p>Thread-safe. Its state is guarded by the network's lock; all the work is done by the network.
 */
public final class SimTransport implements Transport {
  private final SimNetwork network;
  private final long id;

  // Guarded by the network's lock (handler is also read without it, hence volatile).
  volatile InboundHandler handler;
  /** {@link #close()} was called: sends are reported unreachable on the sending thread. */
  boolean closed;
  /** Ended by the network (killed, closed, or replaced): nothing reaches it or leaves it. */
  boolean dead;
  /** Calls this endpoint sent that are not settled yet. */
  final Set<SimNetwork.Call> outstanding = new HashSet<>();
  /** Unsettled requests (not snapshot chunks) to each peer, bounded like gRPC's outstanding limit. */
  final Map<Long, Integer> outstandingRequests = new HashMap<>();
  /** Calls delivered to this endpoint whose answer its handler has not given yet. */
  final Set<SimNetwork.Call> serving = new HashSet<>();

  SimTransport(SimNetwork network, long id) {
    this.network = network;
    this.id = id;
  }

  /** The node this endpoint belongs to. */
  public long id() {
    return id;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if already started or closed
   */
  @Override
  public void start(InboundHandler inbound) {
    network.start(this, Objects.requireNonNull(inbound, "handler"));
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException for another kind, a sender other than this node, or this node
   *     as receiver
   * @throws IllegalStateException before {@link #start}
   */
  @Override
  public void send(RaftMessage request) {
    if (!(request instanceof RequestVote) && !(request instanceof AppendEntries) && !(request instanceof GroupQuery)) {
      throw new IllegalArgumentException("SimTransport.send carries RequestVote, AppendEntries and GroupQuery only, not "
          + request.getClass().getSimpleName() + "; snapshots go through sendSnapshot");
    }
    if (request.from() != id) {
      throw new IllegalArgumentException("node " + id + " cannot send a request from " + request.from());
    }
    if (request.to() == id) {
      throw new IllegalArgumentException("node " + id + " cannot send a request to itself");
    }
    if (handler == null) {
      throw new IllegalStateException("send before start() on the transport of node " + id);
    }
    network.send(this, request);
  }

  /**
   * {@inheritDoc} Chunks have the network's {@link SimNetwork#setSnapshotChunkBytes chunk size} and
   * go through its faults one by one (they are never duplicated).
   *
   * @throws IllegalArgumentException for this node as receiver or a term below 1 ({@code snapshot}
   *     is closed first)
   */
  @Override
  public CompletableFuture<InstallSnapshotResponse> sendSnapshot(long to, long term, SnapshotSource snapshot) {
    if (to == id || term < 1) {
      snapshot.close();
      throw new IllegalArgumentException(to == id
          ? "node " + id + " cannot send a snapshot to itself"
          : "a leader's term is at least 1, got " + term);
    }
    return network.sendSnapshot(this, to, term, snapshot);
  }

  /**
   * Ends this endpoint: every outstanding request is reported unreachable and every running snapshot
   * fails before this returns; later sends are reported unreachable on the sending thread, later
   * snapshots fail at once. Requests this node was still answering fail for their senders.
   * Idempotent.
   */
  @Override
  public void close() {
    network.close(this);
  }

  @Override
  public String toString() {
    return "SimTransport[node " + id + "]";
  }
}
