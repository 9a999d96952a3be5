package io.eraft.raft.server;

import io.eraft.raft.RaftStatus;
import io.eraft.raft.node.RaftNode;
import io.eraft.raft.rpc.ReplicaStatus;
import io.eraft.raft.storage.LevelDbStateMachine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
  /** A service's replies for the two failures. */
  public interface FailureReplies<P> {
    /** {@code ErrWrongLeader}; {@code leaderAddress} is empty if no leader is known. */
    P wrongLeader(String leaderAddress);

    /** {@code ErrTimeout}: the outcome is unknown; the client retries with the same ids. */
    P timeout();
  }

  private final RaftNode<P> node;
  private final LevelDbStateMachine<?> machine;
  private final Duration executeTimeout;
  private final List<String> addresses;
  private final FailureReplies<P> failures;

  /** @param addresses every replica's {@code host:port}, by id, to name the leader (empty: name none) */
  public RequestPath(RaftNode<P> node, LevelDbStateMachine<?> machine, Duration executeTimeout,
      List<String> addresses, FailureReplies<P> failures) {
    this.node = node;
    this.machine = machine;
    this.executeTimeout = executeTimeout;
    this.addresses = List.copyOf(addresses);
    this.failures = failures;
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
      case WRONG_LEADER -> failures.wrongLeader(GroupAddresses.leader(node.status(), addresses));
      case TIMEOUT -> failures.timeout();
    };
  }

  /** eRaft's GetStatus: id, role, term, last applied, commit index, bytes on disk (log and state). */
  public ReplicaStatus status() {
    RaftStatus s = node.status();
    return new ReplicaStatus(s.id(), s.role().displayName(), s.standing().displayName(), s.term(), s.lastApplied(),
        s.commitIndex(), s.storageBytes() + machine.sizeBytes());
  }
}
