package io.eraft.raft.sim.service;

import io.eraft.raft.RaftConfig;
import io.eraft.raft.RaftStatus;
import io.eraft.raft.cluster.LocalRaftCluster;
import io.eraft.raft.core.Entry;
import io.eraft.raft.sim.SimNetwork;
import io.eraft.raft.storage.LevelDbStateMachine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * eRaft's service harness ({@code kvraft/config.go}, {@code shardctrler/config.go}) for the JVM,
 * for any service: {@code n} servers in this JVM — each a real {@code RaftNode} on a
 * {@link SimNetwork}, the service's LevelDB state machine and its request path, built by a
 * {@link SimService} — and clerks that reach them over a {@link SimClientNetwork}. Servers crash
 * and restart ({@link #shutdownServer}/{@link #startServer}) keeping their Raft log and their
 * LevelDB directory; the test partitions the servers, makes the network unreliable, and connects
 * each clerk to the servers it chooses. One seed drives both networks, the servers' election
 * jitter and the order of each clerk's ends; thread timing still varies, so it fixes the faults'
 * distribution, not the interleaving.
 *
 * <p>A service subclasses this with what only it knows: its {@link SimService}, its endpoint (a
 * {@link SimClientEnd} behind the service's endpoint interface) and its clerk, through
 * {@link #makeClient(Collection, ClerkFactory)}. Everything about servers, topology and
 * observation is here once.
 *
 * <p><b>Timing.</b> Ticks of 10 ms, heartbeats every 50 ms, elections after 300–600 ms: faster than
 * production (100 ms; 1–2 s) so the suites fit their budget, and still many network delays apart.
 *
 * <p><b>Snapshots.</b> {@code maxRaftState} plays eRaft's {@code maxraftstate}: if positive, a
 * server compacts its log each time that many entry bytes were applied, keeping no entries behind
 * the compaction point; if negative, it never compacts.
 *
 * <p>Not thread-safe: one test thread drives the servers; the topology may also be changed from
 * one other thread (the networks are thread-safe); clerks may run on any thread. {@link #close()}
 * stops every server and both networks.
 *
 * @param <R> what applying one command returns
 * @param <M> the state machine
 * @param <S> the request path the clients' calls run against
 */
public class SimServiceCluster<R, M extends LevelDbStateMachine<R>, S> implements AutoCloseable {
  /** How long a clerk's call may take, retries included, unless the test gives a deadline. */
  public static final Duration CLERK_DEADLINE = Duration.ofSeconds(30);

  /** A split of the servers into a majority and a minority that holds the leader, last. */
  public record Partition(List<Integer> majority, List<Integer> minority) {}

  /**
   * Builds a clerk over one client's ends (eRaft's {@code MakeClerk(random_handles(ends))}).
   *
   * @param <S> the servers' request path
   * @param <C> the clerk
   */
  @FunctionalInterface
  public interface ClerkFactory<S, C> {
    /**
     * @param ends the client's end to every server, in the random order the clerk should try them
     * @param names each end's server name ({@code server-<i>}), in the same order
     */
    C newClerk(List<SimClientEnd<S>> ends, List<String> names);
  }

  private final int size;
  private final long seed;
  private final int maxRaftState;
  /** Guarded by itself: clerks may be made on any thread. */
  private final Random random;
  private final SimNetwork raftNetwork;
  private final SimClientNetwork<S> clientNetwork;
  private final List<SimReplica<R, M, S>> replicas = new ArrayList<>();

  /**
   * A cluster of stopped servers; the subclass's factory calls {@link #startAll()}.
   *
   * @param name server i keeps its files under {@code dir/<name>-<i>} (eRaft: {@code kvserver})
   * @param maxRaftState log bytes applied between compactions, or -1 for none
   * @param dir a fresh directory
   */
  protected SimServiceCluster(String name, int size, boolean unreliable, int maxRaftState, long seed, Path dir,
      SimService<R, M, S> service) {
    this.size = size;
    this.seed = seed;
    this.maxRaftState = maxRaftState;
    this.random = new Random(seed);
    this.raftNetwork = new SimNetwork(random.nextLong());
    this.clientNetwork = new SimClientNetwork<>(size, random.nextLong());
    raftNetwork.setLongDelays(false); // eRaft's service harnesses leave labrpc's long delays off
    setUnreliable(unreliable);
    for (int i = 0; i < size; i++) {
      replicas.add(new SimReplica<>(dir.resolve(name + "-" + i), service));
    }
  }

  /** Starts every server and connects them (eRaft's {@code make_config}); on failure closes the cluster. */
  protected final void startAll() {
    try {
      for (int i = 0; i < size; i++) {
        startServer(i);
      }
      connectAll();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  public final int size() {
    return size;
  }

  public final long seed() {
    return seed;
  }

  /** Every server index, in order. */
  public final List<Integer> all() {
    return IntStream.range(0, size).boxed().toList();
  }

  // ---- servers ------------------------------------------------------------------------------

  /**
   * Starts server {@code i} from its Raft log and LevelDB directory. As in eRaft, a restarted
   * server cannot reach its peers (nor they it) until {@link #connectAll} or {@link #partition}.
   */
  public final void startServer(int i) {
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
    S server = replicas.get(i).start(config, raftNetwork.transport(i));
    clientNetwork.addServer(i, server);
  }

  /**
   * Crashes server {@code i} (eRaft's {@code ShutdownServer}): it is cut off from its peers, no
   * reply of it reaches a clerk any more, then its node and store close. Its log and LevelDB
   * directory stay for {@link #startServer}.
   */
  public final void shutdownServer(int i) {
    clientNetwork.deleteServer(i);
    raftNetwork.disconnect(i);
    raftNetwork.kill(i);
    replicas.get(i).stop();
  }

  /** Crashes every server, then restarts them all and connects them (eRaft's GenericTest crash step). */
  public final void restartAll() {
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
  public final void partition(Collection<Integer> p1, Collection<Integer> p2) {
    Set<Integer> both = new HashSet<>(p1);
    both.addAll(p2);
    if (both.size() != size || p1.size() + p2.size() != size) {
      throw new IllegalArgumentException("a partition must split all " + size + " servers: " + p1 + " / " + p2);
    }
    raftNetwork.heal();
    raftNetwork.partition(p1.stream().map(Integer::longValue).collect(Collectors.toSet()));
  }

  /** Every server reaches every other (eRaft's {@code ConnectAll}). */
  public final void connectAll() {
    raftNetwork.heal();
  }

  /** eRaft's {@code make_partition}: a majority, and a minority with the current leader last. */
  public final Partition makePartition() {
    int leader = leader();
    List<Integer> others = new ArrayList<>(all());
    others.remove(Integer.valueOf(leader));
    int majority = size / 2 + 1;
    List<Integer> minority = new ArrayList<>(others.subList(majority, others.size()));
    minority.add(leader);
    return new Partition(List.copyOf(others.subList(0, majority)), List.copyOf(minority));
  }

  /** Unreliable Raft and client links: 0–26 ms delays, 10% of requests and of replies lost. */
  public final void setUnreliable(boolean unreliable) {
    raftNetwork.setReliable(!unreliable);
    clientNetwork.setReliable(!unreliable);
  }

  // ---- clients ------------------------------------------------------------------------------

  /**
   * A clerk with its own ends to every server, in random order, with only those to {@code to}
   * enabled (eRaft's {@code makeClient}).
   */
  public final <C> SimClient<C> makeClient(Collection<Integer> to, ClerkFactory<S, C> clerks) {
    List<SimClientEnd<S>> ends = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      ends.add(clientNetwork.end(i));
    }
    List<SimClientEnd<S>> order = new ArrayList<>(ends);
    synchronized (random) {
      Collections.shuffle(order, random);
    }
    List<String> names = order.stream().map(e -> "server-" + e.server()).toList();
    SimClient<C> client = new SimClient<>(clerks.newClerk(List.copyOf(order), names), ends);
    client.connect(to);
    return client;
  }

  /**
   * A new end to server {@code server}, enabled: how servers of other services reach this one
   * (eRaft's {@code makeEnd}, which ShardKV's harness gives every server to reach other groups).
   */
  public final SimClientEnd<S> connectedEnd(int server) {
    SimClientEnd<S> end = clientNetwork.end(server);
    end.setEnabled(true);
    return end;
  }

  // ---- observation --------------------------------------------------------------------------

  /** Waits (a liveness guard) until a running server leads; returns the one in the highest term. */
  public final int leader() {
    int[] found = {-1};
    await(() -> {
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
    }, "a leader");
    return found[0];
  }

  /**
   * Waits (a liveness guard) until a leader has committed its whole log and every running server
   * has applied exactly that: nothing is in flight, so their state machines must hold the same
   * state, which the test may then compare. A follower may still hold an uncommitted tail from a
   * crashed leader (Raft truncates it only when the next entry is replicated over it); that tail
   * was never applied, so it does not count. Call it with the running servers connected, and no
   * clerk busy. Returns that index.
   */
  public final long awaitAllApplied() {
    long[] index = {-1};
    await(() -> {
      RaftStatus leader = null;
      for (SimReplica<R, M, S> r : replicas) {
        if (r.running() && r.status().isLeader() && (leader == null || r.status().term() > leader.term())) {
          leader = r.status();
        }
      }
      if (leader == null || leader.commitIndex() != leader.lastLogIndex()) {
        return false;
      }
      index[0] = leader.commitIndex();
      return replicas.stream().filter(SimReplica::running).allMatch(r -> r.status().lastApplied() == index[0]);
    }, "a leader to commit its whole log and every running server to apply it");
    return index[0];
  }

  /** Whether server {@code i} is running (started and not shut down). */
  public final boolean running(int i) {
    return replicas.get(i).running();
  }

  /**
   * The state machine of running server {@code i}, for the test to compare replicas; readable from
   * the test thread as the service's request path reads it. A restart replaces it.
   */
  public final M machine(int i) {
    if (!replicas.get(i).running()) {
      throw new IllegalStateException("server " + i + " is not running");
    }
    return replicas.get(i).machine();
  }

  /** The largest Raft log of any server, in entry bytes, down servers included (eRaft's {@code LogSize}). */
  public final long logSize() {
    return replicas.stream().mapToLong(SimReplica::logBytes).max().orElse(0);
  }

  /**
   * The largest snapshot of any running server (eRaft's {@code SnapshotSize}): 0 while no server
   * has compacted its log; see {@link SimReplica#snapshotBytes}.
   */
  public final long snapshotSize() {
    return replicas.stream().filter(SimReplica::running).mapToLong(SimReplica::snapshotBytes).max().orElse(0);
  }

  /**
   * Log entry bytes plus snapshot bytes summed over the running servers: what eRaft's
   * {@code TestChallenge1Delete} bounds ({@code RaftStateSize() + len(ReadSnapshot())} of each).
   */
  public final long persistedBytes() {
    return replicas.stream().filter(SimReplica::running).mapToLong(r -> r.logBytes() + r.snapshotBytes()).sum();
  }

  /** The index through which server {@code i}'s log was compacted or replaced by a snapshot (0: never). */
  public final long compactedThrough(int i) {
    return replicas.get(i).compactedThrough();
  }

  /** The last index in server {@code i}'s log, up or down. */
  public final long lastLogIndex(int i) {
    return replicas.get(i).lastLogIndex();
  }

  /**
   * The entries of server {@code i}'s log after {@code index}, up or down: what reached its log
   * since the test noted {@link #lastLogIndex}. {@code index} must not have been compacted away.
   */
  public final List<Entry> entriesAfter(int i, long index) {
    return replicas.get(i).entriesAfter(index);
  }

  /** Requests sent between Raft servers so far (eRaft's {@code GetTotalCount}, server side). */
  public final long rpcTotal() {
    return raftNetwork.rpcTotal();
  }

  /** Waits for {@code condition}; on timeout the failure lists every replica's Raft status. */
  private void await(BooleanSupplier condition, String what) {
    try {
      LocalRaftCluster.awaitCondition(condition);
    } catch (AssertionError e) {
      throw new AssertionError("gave up waiting for " + what + ": " + e.getMessage() + "; replicas: "
          + replicaStatuses(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    }
  }

  private String replicaStatuses() {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < replicas.size(); i++) {
      SimReplica<R, M, S> r = replicas.get(i);
      rows.add(i + "=" + (r.running() ? r.status() : "down"));
    }
    return String.join(", ", rows);
  }

  @Override
  public final void close() {
    clientNetwork.close();
    RuntimeException failure = null;
    for (SimReplica<R, M, S> r : replicas) {
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
