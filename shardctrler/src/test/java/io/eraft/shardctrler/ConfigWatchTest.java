package io.eraft.shardctrler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.eraft.shardctrler.client.CtrlerClerk;
import io.eraft.shardctrler.config.ShardConfig;
import io.eraft.shardctrler.sim.CtrlerSimCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A Query with a wait (a watch) is answered when the configuration it asks for appears, or with the latest. */
class ConfigWatchTest {
  @TempDir Path dir;

  @Test
  @Timeout(60)
  void aWatchIsAnsweredWhenItsConfigurationIsCommitted() throws Exception {
    try (CtrlerSimCluster cluster = CtrlerSimCluster.start(3, 7, dir)) {
      CtrlerClerk admin = cluster.makeClient(cluster.all()).clerk();
      CtrlerClerk watcher = cluster.makeClient(cluster.all()).clerk();
      CompletableFuture<ShardConfig> watch = watcher.watchAsync(1, Duration.ofSeconds(30), Duration.ofSeconds(5));
      assertFalse(watch.isDone(), "configuration 1 does not exist yet");
      admin.join(Map.of(1, List.of("a")));
      ShardConfig found = watch.get(20, TimeUnit.SECONDS);
      assertEquals(1, found.num());
      assertEquals(List.of("a"), found.groups().get(1));
    }
  }

  @Test
  @Timeout(60)
  void aWatchThatSeesNothingNewAnswersWithTheLatestAfterItsWait() throws Exception {
    try (CtrlerSimCluster cluster = CtrlerSimCluster.start(3, 8, dir)) {
      CtrlerClerk admin = cluster.makeClient(cluster.all()).clerk();
      admin.join(Map.of(1, List.of("a")));
      ShardConfig latest = cluster.makeClient(cluster.all()).clerk()
          .watchAsync(5, Duration.ofMillis(200), Duration.ofSeconds(5)).get(20, TimeUnit.SECONDS);
      assertEquals(1, latest.num());
    }
  }
}
