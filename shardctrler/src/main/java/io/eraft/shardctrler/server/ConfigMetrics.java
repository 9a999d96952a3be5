package io.eraft.shardctrler.server;

import io.eraft.shardctrler.config.ShardConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A controller's view of the cluster (PD's {@code cluster_status} pattern): {@code
 * eraft_shardctrler_config_num}, {@code eraft_shardctrler_groups} and {@code
 * eraft_shardctrler_shards{gid}}, one series per group of the latest config (gid 0: shards no
 * group owns), replaced when the config changes.
 */
final class ConfigMetrics {
  private ConfigMetrics() {}

  static void register(MeterRegistry registry, ConfigStateMachine machine) {
    Gauge.builder("eraft.shardctrler.config.num", machine, m -> m.latest().num())
        .description("Number of the latest configuration").register(registry);
    Gauge.builder("eraft.shardctrler.groups", machine, m -> m.latest().groups().size())
        .description("Replica groups in the latest configuration").register(registry);
    MultiGauge shards = MultiGauge.builder("eraft.shardctrler.shards")
        .description("Shards each group owns in the latest configuration (gid 0: unassigned)").register(registry);
    machine.addConfigListener(config -> shards.register(rows(config, machine), true));
  }

  private static List<MultiGauge.Row<?>> rows(ShardConfig config, ConfigStateMachine machine) {
    TreeSet<Integer> gids = new TreeSet<>(config.groups().keySet());
    gids.addAll(config.shards());
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (int gid : gids) {
      rows.add(MultiGauge.Row.of(Tags.of("gid", Integer.toString(gid)), machine,
          m -> m.latest().shards().stream().filter(owner -> owner == gid).count()));
    }
    return rows;
  }
}
