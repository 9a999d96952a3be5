package io.eraft.raft.node;

import io.eraft.raft.LatencyBuckets;
import io.eraft.raft.ProposalFailedException.Reason;
import io.eraft.raft.RaftStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The node's meters (OBSERVABILITY.md §0.1, etcd's names with the {@code eraft_} prefix): leader
 * state, term, commit and applied indexes, proposals, and the synced log write (etcd's WAL fsync).
 * Gauges read the latest published {@link RaftStatus}. Thread-safe.
 */
final class NodeMetrics {
  private final Counter leaderChanges;
  private final Counter proposalsCommitted;
  private final Map<Reason, Counter> proposalsFailed = new EnumMap<>(Reason.class);
  private final Timer fsync;
  private final Counter walBytes;
  private final Timer apply;
  private final Timer snapshotInstall;
  private final FollowerMetrics followers;

  NodeMetrics(MeterRegistry registry, long self, List<Long> peers, Supplier<RaftStatus> status,
      Supplier<Number> pendingProposals) {
    followers = new FollowerMetrics(registry, self, peers);
    Gauge.builder("eraft.raft.has.leader", () -> status.get().hasLeader() ? 1 : 0)
        .description("Whether this node knows a leader").register(registry);
    Gauge.builder("eraft.raft.is.leader", () -> status.get().isLeader() ? 1 : 0)
        .description("Whether this node is the leader").register(registry);
    Gauge.builder("eraft.raft.term", () -> status.get().term()).description("Current term").register(registry);
    Gauge.builder("eraft.raft.commit.index", () -> status.get().commitIndex())
        .description("Highest log index known committed").register(registry);
    Gauge.builder("eraft.raft.applied.index", () -> status.get().lastApplied())
        .description("Highest log index applied to the state machine").register(registry);
    Gauge.builder("eraft.raft.proposals.pending", pendingProposals)
        .description("Proposals accepted and not yet applied").register(registry);
    Gauge.builder("eraft.storage.raft.log.size", () -> status.get().storageBytes()).baseUnit(BaseUnits.BYTES)
        .description("Bytes of the Raft log on disk").register(registry);
    leaderChanges = Counter.builder("eraft.raft.leader.changes.seen")
        .description("Leader changes this node has seen").register(registry);
    proposalsCommitted = Counter.builder("eraft.raft.proposals.committed")
        .description("Entries this node saw committed").register(registry);
    for (Reason r : Reason.values()) {
      proposalsFailed.put(r, Counter.builder("eraft.raft.proposals.failed").tag("reason", r.name().toLowerCase(Locale.ROOT))
          .description("Proposals that failed, by reason").register(registry));
    }
    fsync = Timer.builder("eraft.disk.wal.fsync.duration").serviceLevelObjectives(LatencyBuckets.DISK)
        .description("Latency of the synced write of a batch of Raft log entries").register(registry);
    walBytes = Counter.builder("eraft.disk.wal.write.bytes").baseUnit(BaseUnits.BYTES)
        .description("Bytes of Raft log entries written").register(registry);
    apply = Timer.builder("eraft.disk.backend.commit.duration").serviceLevelObjectives(LatencyBuckets.DISK)
        .description("Latency of applying a batch of committed entries: one state-machine LevelDB write batch")
        .register(registry);
    snapshotInstall = Timer.builder("eraft.snapshot.install.duration").serviceLevelObjectives(LatencyBuckets.SNAPSHOT)
        .description("Time to replace the state machine with a snapshot received from the leader")
        .register(registry);
  }

  /** The leader's figures of its followers; the raft loop feeds them and tells them of leadership. */
  FollowerMetrics followers() {
    return followers;
  }

  void leaderChanged() {
    leaderChanges.increment();
  }

  void committed(int entries) {
    proposalsCommitted.increment(entries);
  }

  void proposalFailed(Reason reason) {
    proposalsFailed.get(reason).increment();
  }

  void synced(long nanos) {
    fsync.record(nanos, TimeUnit.NANOSECONDS);
  }

  void applied(long nanos) {
    apply.record(nanos, TimeUnit.NANOSECONDS);
  }

  void snapshotInstalled(long nanos) {
    snapshotInstall.record(nanos, TimeUnit.NANOSECONDS);
  }

  void wrote(long bytes) {
    walBytes.increment(bytes);
  }
}
