package io.eraft.raft.node;

import io.eraft.raft.LeadershipListener;
import io.eraft.raft.RaftStatus;
import io.eraft.raft.core.CoreStatus;
import io.eraft.raft.core.RaftCore;

/**
 * What the raft loop tells the rest of the node after each cycle: the {@link RaftStatus} any thread
 * reads, when the cycle ended (for {@code /livez}), leader changes (counted), leadership gains and
 * losses ({@link LeadershipListener}s) and the leader's follower figures. {@link #publish} and
 * {@link #stopped} run on the raft loop; the getters and {@link #addLeadershipListener} on any thread.
 */
final class StatusPublisher {
  private final long id;
  private final NodeMetrics metrics;
  private final Leadership leadership = new Leadership();
  private volatile RaftStatus status;
  private volatile long lastCycleNanos = System.nanoTime();
  private long leaderSeen = -1;

  StatusPublisher(long id, NodeMetrics metrics) {
    this.id = id;
    this.metrics = metrics;
    leadership.add(metrics.followers());
  }

  void addLeadershipListener(LeadershipListener listener) {
    leadership.add(listener);
  }

  RaftStatus status() {
    return status;
  }

  /** When the loop last finished a cycle (it runs one at least every tick), on {@link System#nanoTime}'s clock. */
  long lastCycleNanos() {
    return lastCycleNanos;
  }

  /** After a cycle of the loop: the core's state, the applied index and the log's size; {@code failure} if it stopped. */
  void publish(RaftCore core, long lastApplied, long logBytes, String failure) {
    CoreStatus s = core.status();
    if (s.leaderId() != leaderSeen) {
      if (s.leaderId() >= 0) {
        metrics.leaderChanged();
      }
      leaderSeen = s.leaderId();
    }
    leadership.observe(s.role(), s.term());
    status = new RaftStatus(id, s.role(), s.term(), s.leaderId(), s.commitIndex(), lastApplied, s.lastIndex(),
        logBytes, s.standing(), failure);
    lastCycleNanos = System.nanoTime();
    metrics.followers().observe(core, s, lastCycleNanos);
  }

  /** The loop stopped: a leader stops leading. */
  void stopped() {
    leadership.stopped();
  }
}
