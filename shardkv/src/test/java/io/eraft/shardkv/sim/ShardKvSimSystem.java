package io.eraft.shardkv.sim;

import io.eraft.raft.client.RetryPolicy;
import io.eraft.raft.sim.service.SimClient;
import io.eraft.shardctrler.client.CtrlerClerk;
import io.eraft.shardctrler.client.CtrlerClient;
import io.eraft.shardctrler.sim.CtrlerSimCluster;
import io.eraft.shardkv.client.ShardGroups;
import io.eraft.shardkv.client.ShardKvClerk;
import io.eraft.shardkv.client.ShardKvClient;
import io.eraft.shardkv.server.ShardKvServerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * eRaft's {@code shardkv/config.go} for the JVM: three controller replicas and three replica
 * groups (gids 100, 101, 102) of three real ShardKV servers each, in this JVM, over simulated
 * networks (every group's Raft traffic on its own {@code SimNetwork}; clients, controller queries
 * and shard pulls over each service's client network, with the same faults), and clerks that
 * route by the controllers' configuration. Servers and whole groups crash and restart keeping
 * their logs and LevelDB directories; a group's servers can be partitioned among themselves
 * ({@code group(gid).partition}) and whole groups cut from each other ({@link #cut}). Not thread-safe, as the clusters it is made of; clerks are.
 */
public final class ShardKvSimSystem implements AutoCloseable {
  public static final List<Integer> GIDS = List.of(100, 101, 102);
  /** Generous: a command waits for migrations and restarts, as eRaft's clerks retry forever. */
  public static final Duration CLERK_DEADLINE = Duration.ofSeconds(60);
  private static final int GROUP_SIZE = 3;

  private final CtrlerSimCluster ctrlers;
  private final Map<Integer, ShardGroupSimCluster> groups = new LinkedHashMap<>();
  private final CtrlerClerk admin;
  private final List<ShardKvClient> clients = new ArrayList<>();
  private final Random random;
  private final Set<List<Integer>> cuts = ConcurrentHashMap.newKeySet();

  private ShardKvSimSystem(long seed, Path dir) {
    this.random = new Random(seed);
    this.ctrlers = CtrlerSimCluster.start(3, random.nextLong(), dir.resolve("ctrlers"));
    this.admin = ctrlers.makeClient(ctrlers.all()).clerk();
  }

  /**
   * Starts the controllers and the three groups (eRaft's {@code make_config(t, 3, unreliable, maxraftstate)}).
   *
   * @param maxRaftState log bytes applied between a group's compactions, or -1 for none
   * @param dir a fresh directory
   */
  public static ShardKvSimSystem start(boolean unreliable, int maxRaftState, long seed, Path dir,
      ShardKvServerOptions options) {
    ShardKvSimSystem system = new ShardKvSimSystem(seed, dir);
    try {
      for (int gid : GIDS) {
        system.groups.put(gid, ShardGroupSimCluster.start(system, gid, GROUP_SIZE, unreliable, maxRaftState,
            system.random.nextLong(), dir.resolve("group-" + gid), options));
      }
      return system;
    } catch (RuntimeException e) {
      system.close();
      throw e;
    }
  }

  public ShardGroupSimCluster group(int gid) {
    ShardGroupSimCluster group = groups.get(gid);
    if (group == null) {
      throw new IllegalArgumentException("no group " + gid + " in this system");
    }
    return group;
  }

  public CtrlerSimCluster ctrlers() {
    return ctrlers;
  }

  /** A new controller session with ends to every controller (a server's, or the test's). */
  public CtrlerClerk ctrlerClerk() {
    return ctrlers.makeClient(ctrlers.all()).clerk();
  }

  /** Joins groups to the controllers (eRaft's {@code joinm}). */
  public void join(Integer... gids) {
    Map<Integer, List<String>> joining = new LinkedHashMap<>();
    Arrays.stream(gids).forEach(gid -> joining.put(gid, group(gid).serverNames()));
    admin.join(joining);
  }

  /** Removes groups at the controllers (eRaft's {@code leavem}). */
  public void leave(Integer... gids) {
    admin.leave(List.of(gids));
  }

  /** A new clerk (eRaft's {@code makeClient}) with its own connections. */
  public synchronized ShardKvClerk makeClerk() {
    SimClient<CtrlerClient> ctrlerClient = ctrlers.makeCtrlerClient(ctrlers.all());
    ShardKvClient client = new ShardKvClient(ctrlerClient.clerk(),
        new ShardGroups(new SimShardKvNetwork(this, 0), RetryPolicy.DEFAULT), CLERK_DEADLINE);
    clients.add(client);
    return client.newClerk();
  }

  /**
   * The servers of group {@code from} can no longer reach those of group {@code to} (one way; a
   * partition between groups): their shard pulls and deletions fail until {@link #healGroups}.
   */
  public void cut(int from, int to) {
    cuts.add(List.of(from, to));
  }

  /** Undoes every {@link #cut}. */
  public void healGroups() {
    cuts.clear();
  }

  boolean isCut(int from, int to) {
    return cuts.contains(List.of(from, to));
  }

  /** Every group's Raft and client links unreliable (the controllers stay reliable). */
  public void setUnreliable(boolean unreliable) {
    groups.values().forEach(g -> g.setUnreliable(unreliable));
  }

  @Override
  public synchronized void close() {
    RuntimeException failure = null;
    for (AutoCloseable c : closeOrder()) {
      try {
        c.close();
      } catch (Exception e) {
        failure = failure == null ? new IllegalStateException("closing the system failed", e) : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private List<AutoCloseable> closeOrder() {
    List<AutoCloseable> order = new ArrayList<>(clients);
    order.addAll(groups.values());
    order.add(ctrlers);
    return order;
  }
}
