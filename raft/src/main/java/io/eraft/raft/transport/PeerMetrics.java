package io.eraft.raft.transport;

import io.eraft.raft.LatencyBuckets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one peer link (OBSERVABILITY.md §0.1), registered once per peer on the injected
 * registry. Dotted names render in Prometheus as {@code eraft_network_peer_sent_bytes_total{to}},
 * {@code eraft_network_peer_received_bytes_total{from}}, {@code
 * eraft_network_peer_sent_failures_total{to}}, {@code eraft_network_peer_round_trip_time_seconds{to}},
 * {@code eraft_network_snapshot_send_success_total{to}}, {@code _failures_total{to}} and {@code
 * _duration_seconds{to}} (counters are named without {@code total}, §1.6). Histogram buckets are
 * etcd's (set as service-level objectives). Thread-safe.
 */
final class PeerMetrics {
  private final Counter sentBytes;
  private final Counter receivedBytes;
  private final Counter sentFailures;
  private final Timer roundTrip;
  private final Counter snapshotSuccess;
  private final Counter snapshotFailures;
  private final Timer snapshotDuration;

  PeerMetrics(MeterRegistry registry, long peer) {
    String id = Long.toString(peer);
    sentBytes = Counter.builder("eraft.network.peer.sent.bytes").baseUnit(BaseUnits.BYTES).tag("to", id)
        .description("Bytes of Raft messages sent to the peer").register(registry);
    receivedBytes = Counter.builder("eraft.network.peer.received.bytes").baseUnit(BaseUnits.BYTES).tag("from", id)
        .description("Bytes of Raft messages received from the peer").register(registry);
    sentFailures = Counter.builder("eraft.network.peer.sent.failures").tag("to", id)
        .description("Requests to the peer that were dropped, failed or timed out").register(registry);
    roundTrip = Timer.builder("eraft.network.peer.round.trip.time").tag("to", id)
        .description("Round trip of a RequestVote or AppendEntries call to the peer")
        .serviceLevelObjectives(LatencyBuckets.PEER_ROUND_TRIP).register(registry);
    snapshotSuccess = Counter.builder("eraft.network.snapshot.send.success").tag("to", id)
        .description("Snapshots sent to the peer completely").register(registry);
    snapshotFailures = Counter.builder("eraft.network.snapshot.send.failures").tag("to", id)
        .description("Snapshots to the peer that failed").register(registry);
    snapshotDuration = Timer.builder("eraft.network.snapshot.send.duration").tag("to", id)
        .description("Time to send a whole snapshot to the peer (successful sends)")
        .serviceLevelObjectives(LatencyBuckets.SNAPSHOT).register(registry);
  }

  void sent(int bytes) {
    sentBytes.increment(bytes);
  }

  void received(int bytes) {
    receivedBytes.increment(bytes);
  }

  void sendFailed() {
    sentFailures.increment();
  }

  void roundTrip(long nanos) {
    roundTrip.record(nanos, TimeUnit.NANOSECONDS);
  }

  void snapshotSucceeded(long nanos) {
    snapshotSuccess.increment();
    snapshotDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  void snapshotFailed() {
    snapshotFailures.increment();
  }
}
