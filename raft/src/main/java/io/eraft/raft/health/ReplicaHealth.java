package io.eraft.raft.health;

import io.eraft.raft.ProposalFailedException;
import io.eraft.raft.RaftStatus;
import io.eraft.raft.node.RaftNode;
import io.eraft.raft.storage.LevelDbStateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The health checks of one replica, with etcd's meaning (OBSERVABILITY.md §0.2). Live checks answer
 * "restart me?": the raft loop still cycles and the state machine's store can be read. Ready checks
 * answer "send me traffic?": the live checks, plus a known leader, a voting member (not catching up
 * after a lost disk), applying what it knows committed, and, on the leader, a linearizable read
 * (a ReadIndex round trip to a quorum) within a second. A service adds its own ready checks.
 * Thread-safe.
 */
public final class ReplicaHealth {
  /** The raft loop cycles at least every tick; this long without one means it is wedged or starved. */
  public static final Duration LOOP_STALL_LIMIT = Duration.ofSeconds(10);
  /** Committed entries not yet applied beyond which a node is not ready (etcd: "within a few thousands"). */
  public static final long APPLY_LAG_LIMIT = 1000;
  public static final Duration READ_LIMIT = Duration.ofSeconds(1);
  private static final byte[] PROBE_KEY = {0};

  private final List<HealthCheck> live;
  private final List<HealthCheck> ready;

  public ReplicaHealth(RaftNode<?> node, LevelDbStateStore store, List<HealthCheck> serviceReadyChecks) {
    this.live = List.of(HealthCheck.of("raft_loop", () -> loopFailure(node)),
        HealthCheck.of("serializable_read", () -> readFailure(store)));
    List<HealthCheck> readyChecks = new ArrayList<>(live);
    readyChecks.add(HealthCheck.of("has_leader", () -> leaderFailure(node.status())));
    readyChecks.add(HealthCheck.of("non_learner", () -> standingFailure(node.status())));
    readyChecks.add(HealthCheck.of("applied", () -> applyLagFailure(node.status())));
    readyChecks.add(HealthCheck.of("linearizable_read", () -> linearizableReadFailure(node)));
    readyChecks.addAll(serviceReadyChecks);
    this.ready = List.copyOf(readyChecks);
  }

  /** What {@code /livez} runs. */
  public List<HealthCheck> live() {
    return live;
  }

  /** What {@code /readyz} runs (the live checks first). */
  public List<HealthCheck> ready() {
    return ready;
  }

  private static String loopFailure(RaftNode<?> node) {
    String failure = node.status().failure();
    if (failure != null) {
      return "the node stopped: " + failure;
    }
    Duration idle = node.sinceLastLoopCycle();
    return idle.compareTo(LOOP_STALL_LIMIT) > 0
        ? "the raft loop has not cycled for " + idle.toMillis() + " ms (wedged or starved of CPU)" : null;
  }

  private static String readFailure(LevelDbStateStore store) {
    try {
      store.get(PROBE_KEY);
      return null;
    } catch (RuntimeException e) {
      return "reading the state machine's store failed: " + e.getMessage();
    }
  }

  private static String leaderFailure(RaftStatus status) {
    return status.hasLeader() ? null : "no leader known in term " + status.term();
  }

  private static String standingFailure(RaftStatus status) {
    return status.isVoter() ? null : "not a voting member yet (" + status.standing() + ")";
  }

  private static String applyLagFailure(RaftStatus status) {
    long lag = status.commitIndex() - status.lastApplied();
    return lag <= APPLY_LAG_LIMIT ? null : "applied index " + status.lastApplied() + " is " + lag
        + " entries behind the commit index " + status.commitIndex();
  }

  /** On the leader, a ReadIndex round trip; a follower forwards no reads (clients go to the leader). */
  private static String linearizableReadFailure(RaftNode<?> node) {
    if (!node.status().isLeader()) {
      return null;
    }
    try {
      node.readIndex().get(READ_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      return null;
    } catch (TimeoutException e) {
      return "a ReadIndex round trip to a quorum took over " + READ_LIMIT.toMillis() + " ms";
    } catch (ExecutionException e) {
      return e.getCause() instanceof ProposalFailedException failed
          ? "a ReadIndex failed: " + failed.getMessage() : "a ReadIndex failed: " + e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
