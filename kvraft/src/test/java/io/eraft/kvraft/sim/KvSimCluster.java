package io.eraft.kvraft.sim;

import io.eraft.kvraft.client.Clerk;
import io.eraft.kvraft.client.KvClient;
import io.eraft.kvraft.server.KvServer;
import io.eraft.kvraft.server.KvServerOptions;
import io.eraft.kvraft.server.KvStateMachine;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.raft.sim.service.SimClient;
import io.eraft.raft.sim.service.SimService;
import io.eraft.raft.sim.service.SimServiceCluster;
import java.nio.file.Path;
import java.util.Collection;

/**
 * eRaft's {@code kvraft/config.go} for the JVM: a {@link SimServiceCluster} of KV servers — a
 * {@link KvStateMachine} and a {@link KvServer} with default options on each real Raft node — whose
 * clerks are {@code KvClient} sessions over {@link SimKvEndpoint}s. The test may also lose chosen
 * command replies ({@link #setReplyFilter}), to make clerks retry commands that were applied.
 * Threading as {@link SimServiceCluster}.
 */
public final class KvSimCluster extends SimServiceCluster<CommandResponse, KvStateMachine, KvServer> {
  private static final SimService<CommandResponse, KvStateMachine, KvServer> KV = new SimService<>(
      KvStateMachine::new, (node, machine) -> new KvServer(node, machine, KvServerOptions.DEFAULTS));

  private volatile SimKvEndpoint.ReplyFilter replyFilter = SimKvEndpoint.ReplyFilter.DELIVER_ALL;

  private KvSimCluster(int size, boolean unreliable, int maxRaftState, long seed, Path dir) {
    super("kvserver", size, unreliable, maxRaftState, seed, dir, KV);
  }

  /**
   * Starts {@code size} connected servers (eRaft's {@code make_config}).
   *
   * @param maxRaftState log bytes applied between compactions, or -1 for none
   * @param dir a fresh directory; server i keeps its files under {@code kvserver-<i>}
   */
  public static KvSimCluster start(int size, boolean unreliable, int maxRaftState, long seed, Path dir) {
    KvSimCluster cluster = new KvSimCluster(size, unreliable, maxRaftState, seed, dir);
    cluster.startAll();
    return cluster;
  }

  /** A clerk with its own ends to every server, in random order, with only those to {@code to} enabled. */
  public SimClient<Clerk> makeClient(Collection<Integer> to) {
    return makeClient(to, (ends, names) -> new KvClient(
        ends.stream().map(end -> new SimKvEndpoint(end, () -> replyFilter)).toList(),
        names, RetryPolicy.DEFAULT, CLERK_DEADLINE).newClerk());
  }

  /** Lets the test lose chosen replies to clerks; {@link SimKvEndpoint.ReplyFilter#DELIVER_ALL} by default. */
  public void setReplyFilter(SimKvEndpoint.ReplyFilter filter) {
    replyFilter = filter;
  }
}
