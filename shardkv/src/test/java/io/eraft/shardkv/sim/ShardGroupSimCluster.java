package io.eraft.shardkv.sim;

import io.eraft.proto.shardkvpb.CommandResponse;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.raft.sim.service.SimService;
import io.eraft.raft.sim.service.SimServiceCluster;
import io.eraft.shardkv.client.ShardGroups;
import io.eraft.shardkv.server.ShardKvServer;
import io.eraft.shardkv.server.ShardKvServerOptions;
import io.eraft.shardkv.server.ShardMigration;
import io.eraft.shardkv.server.ShardStateMachine;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One replica group of a {@link ShardKvSimSystem} (eRaft's {@code server-<gid>-<i>}): a
 * {@link SimServiceCluster} whose servers are real ShardKV replicas — state machine, request
 * path, migration work — reaching the controllers and the other groups over the system's
 * simulated networks. Threading as {@link SimServiceCluster}.
 */
public final class ShardGroupSimCluster
    extends SimServiceCluster<CommandResponse, ShardStateMachine, SimShardKvServer> {
  private final int gid;

  private ShardGroupSimCluster(int gid, int size, boolean unreliable, int maxRaftState, long seed, Path dir,
      SimService<CommandResponse, ShardStateMachine, SimShardKvServer> service) {
    super("shardkv-" + gid, size, unreliable, maxRaftState, seed, dir, service);
    this.gid = gid;
  }

  static ShardGroupSimCluster start(ShardKvSimSystem system, int gid, int size, boolean unreliable,
      int maxRaftState, long seed, Path dir, ShardKvServerOptions options) {
    List<String> names = IntStream.range(0, size).mapToObj(i -> serverName(gid, i)).toList();
    SimService<CommandResponse, ShardStateMachine, SimShardKvServer> service = new SimService<>(
        store -> new ShardStateMachine(store, gid),
        (node, machine) -> {
          ShardKvServer server = new ShardKvServer(node, machine, options, names);
          ShardGroups groups = new ShardGroups(new SimShardKvNetwork(system, gid), RetryPolicy.DEFAULT);
          ShardMigration migration = new ShardMigration(node, machine, system.ctrlerClerk(), groups, options);
          return new SimShardKvServer(server, migration, groups);
        });
    ShardGroupSimCluster cluster = new ShardGroupSimCluster(gid, size, unreliable, maxRaftState, seed, dir, service);
    cluster.startAll();
    return cluster;
  }

  /** eRaft's harness name of server {@code i} of group {@code gid}, which the controllers list. */
  static String serverName(int gid, int i) {
    return "server-" + gid + "-" + i;
  }

  public int gid() {
    return gid;
  }

  /** The names of this group's servers, as joined to the controllers. */
  public List<String> serverNames() {
    return IntStream.range(0, size()).mapToObj(i -> serverName(gid, i)).toList();
  }

  /** Crashes every server of the group (eRaft's {@code ShutdownGroup}). */
  public void shutdownGroup() {
    all().forEach(this::shutdownServer);
  }

  /** Restarts every server of the group and connects them (eRaft's {@code StartGroup}). */
  public void startGroup() {
    all().forEach(this::startServer);
    connectAll();
  }
}
