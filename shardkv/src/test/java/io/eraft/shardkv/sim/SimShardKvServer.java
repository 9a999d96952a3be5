package io.eraft.shardkv.sim;

import io.eraft.shardkv.client.ShardGroups;
import io.eraft.shardkv.server.ShardKvServer;
import io.eraft.shardkv.server.ShardMigration;

/**
 * One simulated ShardKV server as the production replica wires it: its request path, its
 * leader-only migration work and its connections to other groups, closed together when the
 * server stops. Thread-safe.
 */
record SimShardKvServer(ShardKvServer server, ShardMigration migration, ShardGroups groups) implements AutoCloseable {
  @Override
  public void close() {
    migration.close();
    groups.close();
    server.close();
  }
}
