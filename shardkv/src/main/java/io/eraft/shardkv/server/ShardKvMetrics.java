package io.eraft.shardkv.server;

import io.eraft.raft.LatencyBuckets;
import io.eraft.shardctrler.config.ShardConfig;
import io.eraft.shardkv.shards.GroupShards;
import io.eraft.shardkv.shards.ShardStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A ShardKV node's view of its group's shards (OBSERVABILITY.md §0.1): {@code
 * eraft_shardkv_config_num}, {@code eraft_shardkv_shards{status}} (shards whose data this group
 * holds, by status), {@code eraft_shardkv_shard_keys{shard}} and {@code _shard_bytes{shard}}, and
 * migrations by {@code direction} ({@code in}: pulled here, {@code out}: pulled away):
 * {@code eraft_shardkv_migrations_total}, {@code _migration_bytes_total}, {@code
 * _migration_duration_seconds} (from the config that starts it to the last page applied, or to the
 * deletion of the old copy) and {@code _migrations_inflight}. Every replica measures what it
 * applies; a migration begun before this process started is counted but not timed. The gauges
 * read the state machine; the rest runs on the apply thread.
 */
final class ShardKvMetrics implements BiConsumer<GroupShards, GroupShards> {
  private final ShardStateMachine machine;
  private final Direction in;
  private final Direction out;

  /** One direction's meters and the start of each shard's migration in flight (0: not seen start). */
  private static final class Direction {
    final ShardStatus moving;
    final Counter count;
    final Counter bytes;
    final Timer duration;
    final long[] startedNanos = new long[ShardConfig.N_SHARDS];

    Direction(MeterRegistry registry, String name, ShardStatus moving, ShardStateMachine machine) {
      this.moving = moving;
      count = Counter.builder("eraft.shardkv.migrations").tag("direction", name)
          .description("Shard migrations completed, by direction").register(registry);
      bytes = Counter.builder("eraft.shardkv.migration.bytes").tag("direction", name).baseUnit(BaseUnits.BYTES)
          .description("Bytes of shard data moved, by direction").register(registry);
      duration = Timer.builder("eraft.shardkv.migration.duration").tag("direction", name)
          .serviceLevelObjectives(LatencyBuckets.SNAPSHOT)
          .description("Time from the configuration that moves a shard until its move completes here")
          .register(registry);
      Gauge.builder("eraft.shardkv.migrations.inflight", machine, m -> count(m.shards(), moving))
          .tag("direction", name).description("Shards moving, by direction").register(registry);
    }
  }

  private ShardKvMetrics(MeterRegistry registry, ShardStateMachine machine) {
    this.machine = machine;
    this.in = new Direction(registry, "in", ShardStatus.PULLING, machine);
    this.out = new Direction(registry, "out", ShardStatus.BE_PULLING, machine);
  }

  static void register(MeterRegistry registry, ShardStateMachine machine) {
    Gauge.builder("eraft.shardkv.config.num", machine, m -> m.shards().config().num())
        .description("Number of the configuration this group has applied").register(registry);
    for (ShardStatus status : ShardStatus.values()) {
      Gauge.builder("eraft.shardkv.shards", machine, m -> count(m.shards(), status))
          .tag("status", status.wire().toLowerCase(Locale.ROOT))
          .description("Shards whose data this group holds, by status").register(registry);
    }
    for (int shard = 0; shard < ShardConfig.N_SHARDS; shard++) {
      int s = shard;
      String tag = Integer.toString(shard);
      Gauge.builder("eraft.shardkv.shard.keys", machine, m -> m.shardKeys(s)).tag("shard", tag)
          .description("Keys of the shard stored here").register(registry);
      Gauge.builder("eraft.shardkv.shard.bytes", machine, m -> m.shardBytes(s)).tag("shard", tag)
          .baseUnit(BaseUnits.BYTES).description("Bytes of keys and values of the shard stored here")
          .register(registry);
    }
    machine.addShardsListener(new ShardKvMetrics(registry, machine));
  }

  private static long count(GroupShards shards, ShardStatus status) {
    long n = 0;
    for (int s = 0; s < ShardConfig.N_SHARDS; s++) {
      if (shards.holdsData(s) && shards.shard(s).status() == status) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void accept(GroupShards before, GroupShards after) {
    long now = System.nanoTime();
    for (int s = 0; s < ShardConfig.N_SHARDS; s++) {
      ShardStatus was = before.shard(s).status();
      ShardStatus is = after.shard(s).status();
      if (was != is) {
        observe(in, s, was, is, now);
        observe(out, s, was, is, now);
      }
    }
  }

  private void observe(Direction d, int shard, ShardStatus was, ShardStatus is, long now) {
    if (is == d.moving) {
      d.startedNanos[shard] = now;
      return;
    }
    if (was != d.moving) {
      return;
    }
    d.count.increment();
    d.bytes.increment(machine.shardBytes(shard)); // in: all arrived; out: sizes are kept until the delete
    if (d.startedNanos[shard] != 0) {
      d.duration.record(now - d.startedNanos[shard], TimeUnit.NANOSECONDS);
      d.startedNanos[shard] = 0;
    }
  }
}
