package io.eraft.raft.server;

import io.eraft.raft.RaftStatus;
import io.eraft.raft.node.RaftNode;
import io.eraft.raft.rpc.ReplicaStatus;
import io.eraft.raft.storage.LevelDbStateMachine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every eRaft service's request path shares: each request is answered exactly once and within
 * the execute timeout, a failure becomes one of eRaft's two error replies (never a gRPC error) —
 * {@code ErrWrongLeader} naming the leader this replica knows of, or {@code ErrTimeout} — and
 * GetStatus reports the replica. The service decides what a request does. Never blocks;
 * thread-safe.
 *
 * @param <P> the service's command reply
 */
public final class RequestPath<P> {
  private final RaftNode<P> node;
  private final LevelDbStateMachine<?> machine;
  private final Duration executeTimeout;
  private final List<String> addresses;
  private final Function<String, P> wrongLeader;
  private final Supplier<P> timeout;

  /**
   * @param addresses every replica's {@code host:port}, by id, to name the leader (empty: name none)
   * @param wrongLeader the service's {@code ErrWrongLeader} reply naming a leader ("" if none is known)
   * @param timeout the service's {@code ErrTimeout} reply: the outcome is unknown; retry with the same ids
   */
  public RequestPath(RaftNode<P> node, LevelDbStateMachine<?> machine, Duration executeTimeout,
      List<String> addresses, Function<String, P> wrongLeader, Supplier<P> timeout) {
    this.node = node;
    this.machine = machine;
    this.executeTimeout = executeTimeout;
    this.addresses = List.copyOf(addresses);
    this.wrongLeader = wrongLeader;
    this.timeout = timeout;
  }

  /** Runs {@code request} (which may throw), bounded by the execute timeout, failures as replies. */
  public CompletableFuture<P> execute(Supplier<CompletableFuture<P>> request) {
    CompletableFuture<P> outcome;
    try {
      outcome = request.get();
    } catch (RuntimeException e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    return outcome.orTimeout(executeTimeout.toNanos(), TimeUnit.NANOSECONDS).exceptionally(this::failureReply);
  }

  private P failureReply(Throwable error) {
    return switch (RequestFailure.of(error)) {
      case WRONG_LEADER -> wrongLeader.apply(GroupAddresses.leader(node.status(), addresses));
      case TIMEOUT -> timeout.get();
    };
  }

  /** eRaft's GetStatus: id, role, term, last applied, commit index, bytes on disk (log and state). */
  public ReplicaStatus status() {
    RaftStatus s = node.status();
    return new ReplicaStatus(s.id(), s.role().displayName(), s.standing().displayName(), s.term(), s.lastApplied(),
        s.commitIndex(), s.storageBytes() + machine.sizeBytes());
  }
}
