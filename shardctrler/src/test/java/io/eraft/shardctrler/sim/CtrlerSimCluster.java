package io.eraft.shardctrler.sim;

import io.eraft.proto.shardctrlerpb.CommandResponse;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.raft.sim.service.SimClient;
import io.eraft.raft.sim.service.SimClientEnd;
import io.eraft.raft.sim.service.SimService;
import io.eraft.raft.sim.service.SimServiceCluster;
import io.eraft.shardctrler.client.CtrlerClerk;
import io.eraft.shardctrler.client.CtrlerClient;
import io.eraft.shardctrler.server.ConfigStateMachine;
import io.eraft.shardctrler.server.CtrlerReplica;
import io.eraft.shardctrler.server.CtrlerServer;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * eRaft's {@code shardctrler/config.go} for the JVM: a {@link SimServiceCluster} of controller
 * replicas — a {@link ConfigStateMachine} and a {@link CtrlerServer} with eRaft's execute timeout on
 * each real Raft node — whose clerks are {@code CtrlerClient} sessions over simulated ends. As in
 * eRaft the network is reliable and the log is never compacted (the controller takes no
 * snapshots). Threading as {@link SimServiceCluster}.
 */
public final class CtrlerSimCluster extends SimServiceCluster<CommandResponse, ConfigStateMachine, CtrlerServer> {
  private static final SimService<CommandResponse, ConfigStateMachine, CtrlerServer> CTRLER = new SimService<>(
      ConfigStateMachine::new, (node, machine) -> new CtrlerServer(node, machine, CtrlerReplica.EXECUTE_TIMEOUT));

  private CtrlerSimCluster(int size, long seed, Path dir) {
    super("shardctrler", size, false, -1, seed, dir, CTRLER);
  }

  /**
   * Starts {@code size} connected replicas (eRaft's {@code make_config(t, n, false)}).
   *
   * @param dir a fresh directory; replica i keeps its files under {@code shardctrler-<i>}
   */
  public static CtrlerSimCluster start(int size, long seed, Path dir) {
    CtrlerSimCluster cluster = new CtrlerSimCluster(size, seed, dir);
    cluster.startAll();
    return cluster;
  }

  /** A clerk with its own ends to every replica, in random order, with only those to {@code to} enabled. */
  public SimClient<CtrlerClerk> makeClient(Collection<Integer> to) {
    return makeClient(to, (ends, names) -> client(ends, names).newClerk());
  }

  /** A client (for sessions of its own) with its own ends to every replica, only those to {@code to} enabled. */
  public SimClient<CtrlerClient> makeCtrlerClient(Collection<Integer> to) {
    return makeClient(to, CtrlerSimCluster::client);
  }

  private static CtrlerClient client(List<SimClientEnd<CtrlerServer>> ends, List<String> names) {
    return new CtrlerClient(ends.stream().map(SimCtrlerEndpoint::new).toList(), names, RetryPolicy.DEFAULT,
        CLERK_DEADLINE);
  }
}
