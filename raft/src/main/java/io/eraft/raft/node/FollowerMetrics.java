package io.eraft.raft.node;

import io.eraft.raft.LeadershipListener;
import io.eraft.raft.core.CoreStatus;
import io.eraft.raft.core.RaftCore;
import io.eraft.raft.core.Role;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The leader's view of its followers (Ratis {@code follower_match_index}, TiKV's log lag):
 * {@code eraft_raft_follower_match_index{to}} and {@code eraft_raft_follower_lag_entries{to}}, the
 * entries the follower is behind the leader's last one. They exist only while this node leads
 * (registered when it gains leadership, removed when it loses it), so a query over a group sees
 * one leader's figures. Refreshed from the core at most every {@link #REFRESH_NANOS}; confined to
 * the raft loop, except the gauges, which read the last published figures from any thread.
 */
final class FollowerMetrics implements LeadershipListener {
  private static final long REFRESH_NANOS = 250_000_000L;

  private final MeterRegistry registry;
  private final long self;
  private final List<Long> peers;
  private final List<Meter> registered = new ArrayList<>();
  private volatile Map<Long, Long> matches = Map.of();
  private volatile long lastIndex;
  private long refreshedAtNanos;

  FollowerMetrics(MeterRegistry registry, long self, List<Long> peers) {
    this.registry = registry;
    this.self = self;
    this.peers = List.copyOf(peers);
  }

  /** After a cycle of the loop: refreshes the figures if this node leads and they are old. */
  void observe(RaftCore core, CoreStatus status, long nowNanos) {
    if (status.role() == Role.LEADER && nowNanos - refreshedAtNanos >= REFRESH_NANOS) {
      matches = core.followerMatches();
      lastIndex = status.lastIndex();
      refreshedAtNanos = nowNanos;
    }
  }

  @Override
  public void leadershipChanged(boolean leading, long term) {
    registered.forEach(registry::remove);
    registered.clear();
    refreshedAtNanos = 0;
    if (!leading) {
      matches = Map.of();
      return;
    }
    for (long peer : peers) {
      if (peer == self) {
        continue;
      }
      String to = Long.toString(peer);
      registered.add(Gauge.builder("eraft.raft.follower.match.index", () -> matches.getOrDefault(peer, 0L))
          .tag("to", to).description("Highest log index the leader knows the follower holds").register(registry));
      registered.add(Gauge.builder("eraft.raft.follower.lag", () -> lastIndex - matches.getOrDefault(peer, 0L))
          .tag("to", to).baseUnit("entries").description("Log entries the follower is behind the leader")
          .register(registry));
    }
  }
}
