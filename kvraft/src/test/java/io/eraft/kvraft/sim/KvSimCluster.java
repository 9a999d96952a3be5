package io.eraft.kvraft.sim;

import io.eraft.kvraft.client.KvClient;
import io.eraft.kvraft.client.KvEndpoint;
import io.eraft.kvraft.server.KvServer;
import io.eraft.kvraft.server.KvServerOptions;
import io.eraft.raft.RaftConfig;
import io.eraft.raft.RaftStatus;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.raft.cluster.LocalRaftCluster;
import io.eraft.raft.sim.SimNetwork;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * eRaft's {@code kvraft/config.go} for the JVM: {@code n} KV servers in this JVM — each a real
 * {@code RaftNode} on a {@link SimNetwork}, a {@code KvStateMachine} on LevelDB and a
 * {@link KvServer} — and clerks that reach them over a {@link SimClientNetwork}. Servers crash and
 * restart ({@link #shutdownServer}/{@link #startServer}) keeping their Raft log and their LevelDB
 * directory; the test partitions the servers, makes the network unreliable, and connects each
 * clerk to the servers it chooses. One seed drives both networks, the servers' election jitter and
 * the order of each clerk's ends; thread timing still varies, so it fixes the faults' distribution,
 * not the interleaving.
 *
 * <p><b>Timing.</b> Ticks of 10 ms, heartbeats every 50 ms, elections after 300–600 ms: faster than
 * production (100 ms; 1–2 s) so the suite fits its budget, and still many network delays apart.
 *
 * <p><b>Snapshots.</b> {@code maxRaftState} plays eRaft's {@code maxraftstate}: if positive, a
 * server compacts its log each time that many entry bytes were applied, keeping no entries behind
 * the compaction point; if negative, it never compacts.
 *
 * <p>Not thread-safe: one test thread drives the servers and the topology; clerks may run on any
 * thread. {@link #close()} stops every server and both networks.
 */
public final class KvSimCluster implements AutoCloseable {
  /** How long a clerk's call may take, retries included, unless the test gives a deadline. */
  public static final Duration CLERK_DEADLINE = Duration.ofSeconds(30);

  /** A split of the servers into a majority and a minority that holds the leader, last. */
  public record Partition(List<Integer> majority, List<Integer> minority) {}

  private final int size;
  private final long seed;
  private final int maxRaftState;
  /** Guarded by itself: clerks may be made on any thread. */
  private final Random random;
  private final SimNetwork raftNetwork;
  private final SimClientNetwork clientNetwork;
  private final List<SimKvReplica> replicas = new ArrayList<>();

  private KvSimCluster(int size, boolean unreliable, int maxRaftState, long seed, Path dir) {
    this.size = size;
    this.seed = seed;
    this.maxRaftState = maxRaftState;
    this.random = new Random(seed);
    this.raftNetwork = new SimNetwork(random.nextLong());
    this.clientNetwork = new SimClientNetwork(size, random.nextLong());
    raftNetwork.setLongDelays(false); // eRaft's KV harness leaves labrpc's long delays off
    setUnreliable(unreliable);
    for (int i = 0; i < size; i++) {
      replicas.add(new SimKvReplica(dir.resolve("kvserver-" + i)));
    }
  }

  /**
   * Starts {@code size} connected servers (eRaft's {@code make_config}).
   *
   * @param maxRaftState log bytes applied between compactions, or -1 for none
   * @param dir a fresh directory; server i keeps its files under {@code kvserver-<i>}
   */
  public static KvSimCluster start(int size, boolean unreliable, int maxRaftState, long seed, Path dir) {
    KvSimCluster cluster = new KvSimCluster(size, unreliable, maxRaftState, seed, dir);
    try {
      for (int i = 0; i < size; i++) {
        cluster.startServer(i);
      }
      cluster.connectAll();
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  public int size() {
    return size;
  }

  public long seed() {
    return seed;
  }

  /** Every server index, in order. */
  public List<Integer> all() {
    return IntStream.range(0, size).boxed().toList();
  }

  // ---- servers ------------------------------------------------------------------------------

  /**
   * Starts server {@code i} from its Raft log and LevelDB directory. As in eRaft, a restarted
   * server cannot reach its peers (nor they it) until {@link #connectAll} or {@link #partition}.
   */
  public void startServer(int i) {
    long nodeSeed;
    synchronized (random) {
      nodeSeed = random.nextLong();
    }
    RaftConfig config = RaftConfig.builder()
        .id(i)
        .peers(LongStream.range(0, size).boxed().toList())
        .dataDir(replicas.get(i).raftDir())
        .tickInterval(Duration.ofMillis(10))
        .heartbeatInterval(Duration.ofMillis(50))
        .electionTimeout(Duration.ofMillis(300))
        .snapshotThresholdBytes(maxRaftState > 0 ? maxRaftState : Long.MAX_VALUE)
        .compactionRetainEntries(0)
        .randomSeed(nodeSeed)
        .build();
    KvServer server = replicas.get(i).start(config, raftNetwork.transport(i), KvServerOptions.DEFAULTS);
    clientNetwork.addServer(i, server);
  }

  /**
   * Crashes server {@code i} (eRaft's {@code ShutdownServer}): it is cut off from its peers, no
   * reply of it reaches a clerk any more, then its node and store close. Its log and LevelDB
   * directory stay for {@link #startServer}.
   */
  public void shutdownServer(int i) {
    clientNetwork.deleteServer(i);
    raftNetwork.disconnect(i);
    raftNetwork.kill(i);
    replicas.get(i).stop();
  }

  /** Crashes every server, then restarts them all and connects them (eRaft's GenericTest crash step). */
  public void restartAll() {
    for (int i = 0; i < size; i++) {
      shutdownServer(i);
    }
    for (int i = 0; i < size; i++) {
      startServer(i);
    }
    connectAll();
  }

  // ---- topology -----------------------------------------------------------------------------

  /**
   * Servers in {@code p1} reach only each other, and those in {@code p2} likewise; together they
   * are all. As in eRaft this splits the servers only: which servers a clerk reaches is set by its
   * own ends ({@link #makeClient}, {@link SimClient#connect}), so a clerk connected to every server
   * still reaches a deposed leader stranded in a minority — the case the partition tests exercise.
   */
  public void partition(Collection<Integer> p1, Collection<Integer> p2) {
    Set<Integer> both = new HashSet<>(p1);
    both.addAll(p2);
    if (both.size() != size || p1.size() + p2.size() != size) {
      throw new IllegalArgumentException("a partition must split all " + size + " servers: " + p1 + " / " + p2);
    }
    raftNetwork.heal();
    raftNetwork.partition(p1.stream().map(Integer::longValue).collect(Collectors.toSet()));
  }

  /** Every server reaches every other (eRaft's {@code ConnectAll}). */
  public void connectAll() {
    raftNetwork.heal();
  }

  /** eRaft's {@code make_partition}: a majority, and a minority with the current leader last. */
  public Partition makePartition() {
    int leader = leader();
    List<Integer> others = new ArrayList<>(all());
    others.remove(Integer.valueOf(leader));
    int majority = size / 2 + 1;
    List<Integer> minority = new ArrayList<>(others.subList(majority, others.size()));
    minority.add(leader);
    return new Partition(List.copyOf(others.subList(0, majority)), List.copyOf(minority));
  }

  /** Unreliable Raft and client links: 0–26 ms delays, 10% of requests and of replies lost. */
  public void setUnreliable(boolean unreliable) {
    raftNetwork.setReliable(!unreliable);
    clientNetwork.setReliable(!unreliable);
  }

  /** Lets the test lose chosen replies to clerks (see {@link SimClientNetwork.ReplyFilter}). */
  public void setReplyFilter(SimClientNetwork.ReplyFilter filter) {
    clientNetwork.setReplyFilter(filter);
  }

  // ---- clients ------------------------------------------------------------------------------

  /** A clerk with its own ends to every server, in random order, with only those to {@code to} enabled. */
  public SimClient makeClient(Collection<Integer> to) {
    List<SimKvEndpoint> ends = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      ends.add(clientNetwork.endpoint(i));
    }
    List<KvEndpoint> order = new ArrayList<>(ends);
    synchronized (random) {
      Collections.shuffle(order, random);
    }
    List<String> names = order.stream().map(e -> "server-" + ((SimKvEndpoint) e).server()).toList();
    SimClient client = new SimClient(new KvClient(order, names, RetryPolicy.DEFAULT, CLERK_DEADLINE).newClerk(),
        ends);
    client.connect(to);
    return client;
  }

  // ---- observation --------------------------------------------------------------------------

  /** Waits (a liveness guard) until a running server leads; returns the one in the highest term. */
  public int leader() {
    int[] found = {-1};
    try {
      LocalRaftCluster.awaitCondition(() -> {
        found[0] = -1;
        long bestTerm = -1;
        for (int i = 0; i < size; i++) {
          if (replicas.get(i).running()) {
            RaftStatus s = replicas.get(i).status();
            if (s.isLeader() && s.term() > bestTerm) {
              bestTerm = s.term();
              found[0] = i;
            }
          }
        }
        return found[0] >= 0;
      });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a leader", e);
    }
    return found[0];
  }

  /** The largest Raft log of any server, in entry bytes, down servers included (eRaft's {@code LogSize}). */
  public long logSize() {
    return replicas.stream().mapToLong(SimKvReplica::logBytes).max().orElse(0);
  }

  /**
   * The largest snapshot of any running server (eRaft's {@code SnapshotSize}): 0 while no server
   * has compacted its log; see {@link SimKvReplica#snapshotBytes}.
   */
  public long snapshotSize() {
    return replicas.stream().filter(SimKvReplica::running).mapToLong(SimKvReplica::snapshotBytes).max().orElse(0);
  }

  /** The index through which server {@code i}'s log was compacted or replaced by a snapshot (0: never). */
  public long compactedThrough(int i) {
    return replicas.get(i).compactedThrough();
  }

  /** The last index in server {@code i}'s log, up or down. */
  public long lastLogIndex(int i) {
    return replicas.get(i).lastLogIndex();
  }

  /** Requests sent between Raft servers so far (eRaft's {@code GetTotalCount}, server side). */
  public long rpcTotal() {
    return raftNetwork.rpcTotal();
  }

  @Override
  public void close() {
    clientNetwork.close();
    RuntimeException failure = null;
    for (SimKvReplica r : replicas) {
      try {
        if (r.running()) {
          r.stop();
        }
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    raftNetwork.close();
    if (failure != null) {
      throw failure;
    }
  }
}
