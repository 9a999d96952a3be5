package io.eraft.raft.sim;

import com.google.protobuf.ByteString;
import io.eraft.raft.core.AppendEntries;
import io.eraft.raft.core.AppendEntriesResponse;
import io.eraft.raft.core.CoreConfig;
import io.eraft.raft.core.CoreStatus;
import io.eraft.raft.core.Entry;
import io.eraft.raft.core.HardState;
import io.eraft.raft.core.InstallSnapshot;
import io.eraft.raft.core.InstallSnapshotResponse;
import io.eraft.raft.core.ProposeResult;
import io.eraft.raft.core.RaftCore;
import io.eraft.raft.core.RaftMessage;
import io.eraft.raft.core.ReadState;
import io.eraft.raft.core.Ready;
import io.eraft.raft.core.RequestVoteResponse;
import io.eraft.raft.core.Role;
import io.eraft.raft.core.SnapshotMeta;
import io.eraft.raft.core.Standing;
import io.eraft.raft.node.StartupRecovery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A cluster of {@link RaftCore}s on virtual time: a discrete-event simulation of eRaft's Raft test
 * harness (labrpc network, crash/restart with persisted state, appliers that check what they
 * apply), with the driver's order of work (send, persist, release acknowledgements, apply) and an
 * optional fsync delay during which a crash loses the write. Everything random derives from one
 * seed, so a run replays exactly. {@link SafetyChecker} runs after every event.
 *
 * <p>Nodes are numbered 0..n-1. Not thread-safe: one test thread drives it.
 */
public final class SimCluster {
  /** A replay's log lines carry the virtual time of the event that wrote them. */
  private static final boolean LOG_VIRTUAL_TIME = LoggerFactory.getLogger("sim").isInfoEnabled();

  /** Tunables of a simulated cluster; times in virtual milliseconds. */
  public record Options(
      int servers, long seed, int tickMs, int electionTicks, int heartbeatTicks, boolean preVote,
      boolean checkQuorum, long snapshotInterval, int maxFsyncDelayMs, long maxBytesPerMessage,
      int maxInflightMessages, boolean asyncWrites) {
    public static Options of(int servers, long seed) {
      return new Options(servers, seed, 10, 100, 10, true, true, 0, 0, 64 * 1024, 64, false);
    }

    /**
     * Writes complete in the background, in order, while the node keeps working (the real
     * driver's log writer thread); otherwise a node waits for each write, as a synchronous driver.
     */
    public Options withAsyncWrites(boolean async) {
      return new Options(servers, seed, tickMs, electionTicks, heartbeatTicks, preVote, checkQuorum,
          snapshotInterval, maxFsyncDelayMs, maxBytesPerMessage, maxInflightMessages, async);
    }

    public Options withSnapshotInterval(long interval) {
      return new Options(servers, seed, tickMs, electionTicks, heartbeatTicks, preVote, checkQuorum, interval,
          maxFsyncDelayMs, maxBytesPerMessage, maxInflightMessages, asyncWrites);
    }

    public Options withMaxFsyncDelayMs(int delay) {
      return new Options(servers, seed, tickMs, electionTicks, heartbeatTicks, preVote, checkQuorum,
          snapshotInterval, delay, maxBytesPerMessage, maxInflightMessages, asyncWrites);
    }

    public Options withElection(boolean preVote, boolean checkQuorum) {
      return new Options(servers, seed, tickMs, electionTicks, heartbeatTicks, preVote, checkQuorum,
          snapshotInterval, maxFsyncDelayMs, maxBytesPerMessage, maxInflightMessages, asyncWrites);
    }

    public Options withFlowControl(long maxBytesPerMessage, int maxInflightMessages) {
      return new Options(servers, seed, tickMs, electionTicks, heartbeatTicks, preVote, checkQuorum,
          snapshotInterval, maxFsyncDelayMs, maxBytesPerMessage, maxInflightMessages, asyncWrites);
    }
  }

  /** How many nodes applied an index, and the command they applied there. */
  public record Committed(int count, ByteString command) {}

  private static final long SNAPSHOT_HEADER_BYTES = 32;

  private record Event(long time, long seq, Runnable action) {}

  /** {@code fromDisk}: which of its disks the sender had when it sent (see SafetyChecker#disk). */
  private record Call(long id, int from, int fromIncarnation, int fromDisk, int to, boolean snapshot,
      boolean duplicate) {}

  private final Options options;
  private final List<Long> peerIds = new ArrayList<>();
  private final List<SimNode> nodes = new ArrayList<>();
  private final Random networkRandom;
  private final Random testRandom;
  private final NetworkFaults faults = new NetworkFaults();
  private final SafetyChecker checker = new SafetyChecker();
  private final PriorityQueue<Event> events = new PriorityQueue<>(
      (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
  private final Map<Long, Call> calls = new HashMap<>();
  private final Set<Long> blockedLinks = new HashSet<>();
  private final Map<Integer, Role> lastRole = new HashMap<>();
  private final Map<Long, ReadState> readStates = new HashMap<>();
  /** Per outstanding read: the highest commit index any node knew when it was requested. */
  private final Map<Long, Long> readFloors = new HashMap<>();
  /** When the last message on each link arrives: a reliable network is FIFO per link, like TCP. */
  private final Map<Long, Long> linkClock = new HashMap<>();
  private final long[] rpcCount;
  private long bytesTotal;
  private long snapshotsInstalled;
  private long now;
  private long seq;
  private long nextCallId;
  private long eventsRun;

  public SimCluster(Options options) {
    this.options = options;
    this.networkRandom = new Random(options.seed());
    this.testRandom = new Random(options.seed() * 31 + 7);
    this.rpcCount = new long[options.servers()];
    for (int i = 0; i < options.servers(); i++) {
      peerIds.add((long) i);
      nodes.add(new SimNode(i));
    }
    for (SimNode n : nodes) {
      startCore(n);
    }
    schedule(options.tickMs(), this::tickAll);
  }

  // ---- time --------------------------------------------------------------------------------

  public long now() {
    return now;
  }

  /** Randomness for the test's own choices, derived from the cluster's seed. */
  public Random random() {
    return testRandom;
  }

  public NetworkFaults faults() {
    return faults;
  }

  public void runFor(long ms) {
    long end = now + ms;
    while (!events.isEmpty() && events.peek().time() <= end) {
      runNext();
    }
    now = end;
  }

  /** Runs until {@code condition} holds or {@code maxMs} pass; returns whether it holds. */
  public boolean runUntil(BooleanSupplier condition, long maxMs) {
    long end = now + maxMs;
    while (!condition.getAsBoolean()) {
      if (events.isEmpty() || events.peek().time() > end) {
        now = end;
        return condition.getAsBoolean();
      }
      runNext();
    }
    return true;
  }

  private void runNext() {
    Event e = events.poll();
    now = e.time();
    if (LOG_VIRTUAL_TIME) {
      MDC.put("vt", Long.toString(now));
    }
    e.action().run();
    afterEvent();
  }

  private void schedule(long at, Runnable action) {
    events.add(new Event(at, seq++, action));
  }

  private void tickAll() {
    for (SimNode n : nodes) {
      input(n, () -> n.core.tick());
    }
    schedule(now + options.tickMs(), this::tickAll);
  }

  // ---- faults ------------------------------------------------------------------------------

  public void disconnect(int i) {
    nodes.get(i).connected = false;
  }

  public void connect(int i) {
    nodes.get(i).connected = true;
  }

  public boolean isConnected(int i) {
    return nodes.get(i).connected;
  }

  /** Cuts every link between {@code side} and the other nodes (both directions). */
  public void partition(Set<Integer> side) {
    for (int a : side) {
      for (int b = 0; b < nodes.size(); b++) {
        if (!side.contains(b)) {
          blockedLinks.add(link(a, b));
          blockedLinks.add(link(b, a));
        }
      }
    }
  }

  /** Restores every link and reconnects every node (crashed nodes stay down). */
  public void heal() {
    blockedLinks.clear();
    for (SimNode n : nodes) {
      n.connected = true;
    }
  }

  private long link(int from, int to) {
    return (long) from * nodes.size() + to;
  }

  private boolean canTalk(int from, int to) {
    return nodes.get(from).connected && nodes.get(to).connected && !blockedLinks.contains(link(from, to));
  }

  public void setUnreliable(boolean unreliable) {
    faults.setReliable(!unreliable);
  }

  public void setLongReordering(boolean on) {
    faults.setLongReordering(on);
  }

  /** Crashes node {@code i}: its core stops, unflushed writes are lost, calls to it fail. */
  public void crash(int i) {
    SimNode n = nodes.get(i);
    if (!n.isUp()) {
      return;
    }
    n.crash();
    for (Call c : List.copyOf(calls.values())) {
      if (c.to() == i) {
        failCall(c, faults.failureDelayMs(networkRandom));
      }
    }
  }

  /** eRaft's start1: crash if running, then start a fresh core from what the disk holds. */
  public void restart(int i) {
    crash(i);
    SimNode n = nodes.get(i);
    checker.restarted(i);
    startCore(n);
  }

  /**
   * Node {@code i} loses its disk: it crashes and restarts with no Raft log, hard state or state
   * machine, as after a disk replacement. The checker still remembers its earlier votes, so a
   * second vote in a term it voted in before is caught.
   */
  public void restartWithEmptyDisk(int i) {
    crash(i);
    SimNode n = nodes.get(i);
    n.loseDisk();
    checker.diskLost(i);
    startCore(n);
  }

  public boolean isUp(int i) {
    return nodes.get(i).isUp();
  }

  private void startCore(SimNode n) {
    StartupRecovery.alignLog(n.storage, n.durableState);
    n.storage.flush();
    CoreConfig config = new CoreConfig(n.id, peerIds, options.electionTicks(), options.heartbeatTicks(),
        options.preVote(), options.checkQuorum(), options.maxBytesPerMessage(), options.maxInflightMessages(),
        0, Long.MAX_VALUE, n.durableState.index(),
        new Random(options.seed() * 1_000_003 + n.id * 7919L + n.incarnation),
        LoggerFactory.getLogger("sim.node" + n.id));
    n.core = new RaftCore(config, n.storage);
    lastRole.remove(n.id);
  }

  // ---- clients -----------------------------------------------------------------------------

  /** eRaft's {@code Start}: offers a command to node {@code i}. */
  public ProposeResult start(int i, ByteString command) {
    SimNode n = nodes.get(i);
    if (!n.isUp()) {
      return new ProposeResult(false, 0, 0, -1);
    }
    ProposeResult r = n.core.propose(List.of(command));
    wakeLoop(n);
    return r;
  }

  /** Asks node {@code i} for a read index; the answer appears in {@link #readState(long)}. */
  public void readIndex(int i, long requestId) {
    SimNode n = nodes.get(i);
    long floor = 0;
    for (SimNode other : nodes) {
      if (other.isUp()) {
        floor = Math.max(floor, other.core.status().commitIndex());
      }
    }
    readFloors.put(requestId, floor);
    input(n, () -> n.core.readIndex(requestId));
    afterEvent();
  }

  public ReadState readState(long requestId) {
    return readStates.get(requestId);
  }

  public CoreStatus status(int i) {
    SimNode n = nodes.get(i);
    return n.isUp() ? n.core.status() : null;
  }

  public long lastApplied(int i) {
    return nodes.get(i).lastApplied;
  }

  // ---- eRaft harness verbs -----------------------------------------------------------------

  /** Checks that exactly one connected node leads (per term) and returns it. */
  public int checkOneLeader() {
    for (int round = 0; round < 10; round++) {
      runFor(450 + testRandom.nextInt(100));
      Map<Long, List<Integer>> leaders = new TreeMap<>();
      for (SimNode n : nodes) {
        if (n.connected && n.isUp() && n.core.status().role() == Role.LEADER) {
          leaders.computeIfAbsent(n.core.status().term(), t -> new ArrayList<>()).add(n.id);
        }
      }
      long lastTerm = -1;
      for (Map.Entry<Long, List<Integer>> e : leaders.entrySet()) {
        if (e.getValue().size() > 1) {
          throw new AssertionError("term " + e.getKey() + " has " + e.getValue().size() + " (>1) leaders");
        }
        lastTerm = e.getKey();
      }
      if (lastTerm >= 0) {
        return leaders.get(lastTerm).get(0);
      }
    }
    throw new AssertionError("expected one leader, got none");
  }

  /**
   * Nodes that cannot vote now: running ones that are undecided or recovering, and stopped ones whose
   * disk holds no hard state or a recovering one (they will restart that way).
   */
  public Set<Integer> nonVoters() {
    Set<Integer> result = new HashSet<>();
    for (SimNode n : nodes) {
      boolean voter = n.isUp()
          ? n.core.status().standing() == Standing.VOTER
          : !n.storage.durable().hardState().isEmpty() && !n.storage.durable().hardState().recovering();
      if (!voter) {
        result.add(n.id);
      }
    }
    return result;
  }

  /**
   * Waits until every running node is a voter (restored after a lost disk) and knows the group's
   * cluster id, then checks they all name the same one; fails after 10 s.
   */
  public void awaitAllVoters() {
    long start = now;
    while (true) {
      List<Integer> pending = new ArrayList<>();
      Set<Long> clusterIds = new HashSet<>();
      for (SimNode n : nodes) {
        CoreStatus s = n.isUp() ? n.core.status() : null;
        if (s != null && (s.standing() != Standing.VOTER || s.clusterId() == HardState.NO_CLUSTER)) {
          pending.add(n.id);
        } else if (s != null) {
          clusterIds.add(s.clusterId());
        }
      }
      if (pending.isEmpty()) {
        if (clusterIds.size() > 1) {
          throw new AssertionError("the nodes name different cluster ids: " + clusterIds);
        }
        return;
      }
      if (now - start > 10_000) {
        throw new AssertionError("nodes " + pending + " are still not voters knowing the cluster id after 10 s: "
            + nodes.stream().filter(SimNode::isUp).map(n -> n.core.status().toString()).toList());
      }
      runFor(50);
    }
  }

  /** Checks that all connected nodes agree on the term and returns it. */
  public long checkTerms() {
    long term = -1;
    for (SimNode n : nodes) {
      if (n.connected && n.isUp()) {
        long t = n.core.status().term();
        if (term == -1) {
          term = t;
        } else if (t != term) {
          throw new AssertionError("servers disagree on term: " + term + " vs " + t);
        }
      }
    }
    return term;
  }

  public void checkNoLeader() {
    for (SimNode n : nodes) {
      if (n.connected && n.isUp() && n.core.status().role() == Role.LEADER) {
        throw new AssertionError("expected no leader among connected servers, but " + n.id + " claims to be leader");
      }
    }
  }

  /** How many nodes have applied {@code index}; fails if two applied different commands. */
  public Committed nCommitted(long index) {
    int count = 0;
    ByteString command = null;
    for (SimNode n : nodes) {
      ByteString c = n.appliedCommands.get(index);
      if (c != null) {
        if (command != null && !command.equals(c)) {
          throw new AssertionError("committed values do not match at index " + index);
        }
        command = c;
        count++;
      }
    }
    return new Committed(count, command);
  }

  /**
   * eRaft's {@code one}: offers {@code command} to the nodes in turn until one leader accepts it,
   * then waits until {@code expectedServers} applied it; returns its index.
   */
  public long one(ByteString command, int expectedServers, boolean retry) {
    long start = now;
    int next = 0;
    while (now - start < 10_000) {
      long index = -1;
      for (int tried = 0; tried < nodes.size(); tried++) {
        next = (next + 1) % nodes.size();
        if (nodes.get(next).connected && nodes.get(next).isUp()) {
          ProposeResult r = start(next, command);
          if (r.accepted()) {
            index = r.firstIndex();
            break;
          }
        }
      }
      if (index != -1) {
        long waitStart = now;
        while (now - waitStart < 2_000) {
          Committed c = nCommitted(index);
          if (c.count() > 0 && c.count() >= expectedServers && command.equals(c.command())) {
            return index;
          }
          runFor(20);
        }
        if (!retry) {
          throw new AssertionError("one(" + describe(command) + ") failed to reach agreement");
        }
      } else {
        runFor(50);
      }
    }
    throw new AssertionError("one(" + describe(command) + ") failed to reach agreement in 10s; " + describeNodes());
  }

  /**
   * eRaft's {@code wait}: polls until {@code n} nodes applied {@code index}; returns the command,
   * or null if some node moved past {@code startTerm} (-1: never give up that way).
   */
  public ByteString waitCommitted(long index, int n, long startTerm) {
    long to = 10;
    for (int iters = 0; iters < 30; iters++) {
      if (nCommitted(index).count() >= n) {
        break;
      }
      runFor(to);
      if (to < 1000) {
        to *= 2;
      }
      if (startTerm > -1) {
        for (SimNode node : nodes) {
          if (node.isUp() && node.core.status().term() > startTerm) {
            return null;
          }
        }
      }
    }
    Committed c = nCommitted(index);
    if (c.count() < n) {
      throw new AssertionError("only " + c.count() + " decided for index " + index + "; wanted " + n);
    }
    return c.command();
  }

  public long rpcCount(int i) {
    return rpcCount[i];
  }

  public long rpcTotal() {
    long total = 0;
    for (long c : rpcCount) {
      total += c;
    }
    return total;
  }

  public long bytesTotal() {
    return bytesTotal;
  }

  /** How many times a node replaced its state with a snapshot received from a leader. */
  public long snapshotsInstalled() {
    return snapshotsInstalled;
  }

  /** Largest persisted Raft state (log entries plus hard state) of any node, in bytes. */
  public long maxLogSize() {
    long max = 0;
    for (SimNode n : nodes) {
      max = Math.max(max, n.storage.entryBytes() + 24);
    }
    return max;
  }

  /** Full log-matching check across every pair of live nodes. */
  public void checkLogs() {
    for (SimNode a : nodes) {
      for (SimNode b : nodes) {
        if (a.id < b.id && a.isUp() && b.isUp()) {
          checker.checkLogMatching(a.id, a.storage, b.id, b.storage);
        }
      }
    }
  }

  public static ByteString command(long value) {
    return ByteString.copyFrom(java.nio.ByteBuffer.allocate(8).putLong(value).array());
  }

  /** Every node's state, for a failure message. */
  private String describeNodes() {
    StringBuilder b = new StringBuilder("nodes:");
    for (SimNode n : nodes) {
      b.append("\n  ").append(n.id).append(n.isUp() ? "" : " down").append(n.connected ? "" : " disconnected");
      if (n.isUp()) {
        b.append(' ').append(n.core.status());
      }
    }
    return b.toString();
  }

  private static String describe(ByteString command) {
    return command.size() == 8 ? String.valueOf(command.asReadOnlyByteBuffer().getLong()) : command.size() + " bytes";
  }

  // ---- the driver's work, simulated ---------------------------------------------------------

  /**
   * Runs the node's Ready cycle at the current instant, after the caller returns: proposals made
   * together share one cycle, as the driver drains its whole proposal queue per iteration.
   */
  private void wakeLoop(SimNode n) {
    if (!n.wakeupScheduled) {
      n.wakeupScheduled = true;
      int incarnation = n.incarnation;
      schedule(now, () -> {
        n.wakeupScheduled = false;
        if (n.incarnation == incarnation) {
          processReady(n);
        }
      });
    }
  }

  private void input(SimNode n, Runnable action) {
    if (!n.isUp()) {
      return;
    }
    if (n.persisting) {
      n.deferred.add(action);
      return;
    }
    action.run();
    processReady(n);
  }

  private void processReady(SimNode n) {
    while (n.isUp() && !n.persisting) {
      Runnable queued;
      while ((queued = n.deferred.poll()) != null) {
        queued.run();
      }
      if (!n.core.hasReady()) {
        return;
      }
      Ready rd = n.core.ready();
      for (RaftMessage m : rd.messages()) {
        send(n, m);
      }
      if (!rd.snapshot().isEmpty()) {
        installSnapshot(n, rd.snapshot());
      }
      n.storage.save(rd.hardState(), rd.snapshot(), rd.entries(), rd.mustSync());
      if (options.asyncWrites()) {
        applyAndAdvance(n, rd);
        completeWriteLater(n, rd);
        continue;
      }
      if (rd.mustSync() && options.maxFsyncDelayMs() > 0) {
        n.persisting = true;
        int incarnation = n.incarnation;
        schedule(now + fsyncDelay(), () -> {
          if (n.incarnation == incarnation) {
            n.persisting = false;
            n.storage.flush();
            persisted(n, rd);
            applyAndAdvance(n, rd);
            processReady(n);
          }
        });
        return;
      }
      if (rd.mustSync()) {
        n.storage.flush();
      }
      persisted(n, rd);
      applyAndAdvance(n, rd);
    }
  }

  private long fsyncDelay() {
    return options.maxFsyncDelayMs() > 0 ? 1 + networkRandom.nextInt(options.maxFsyncDelayMs()) : 0;
  }

  /** The log writer thread: writes finish in order, each after its fsync, while the node goes on. */
  private void completeWriteLater(SimNode n, Ready rd) {
    long writesSoFar = n.storage.writes();
    long at = Math.max(now + (rd.mustSync() ? fsyncDelay() : 0), n.lastWriteDoneAt);
    n.lastWriteDoneAt = at;
    n.pendingWrites++;
    int incarnation = n.incarnation;
    schedule(at, () -> {
      if (n.incarnation != incarnation) {
        return;
      }
      n.pendingWrites--;
      if (rd.mustSync()) {
        n.storage.flushThrough(writesSoFar);
      }
      persisted(n, rd);
      processReady(n);
    });
  }

  /** The write is durable: release what promised it, and tell the core. */
  private void persisted(SimNode n, Ready rd) {
    for (RaftMessage m : rd.messagesAfterPersist()) {
      send(n, m);
    }
    n.core.persisted(rd);
  }

  private void applyAndAdvance(SimNode n, Ready rd) {
    long compactTo = 0;
    for (Entry e : rd.committed()) {
      if (e.index() != n.lastApplied + 1) {
        throw new AssertionError("node " + n.id + " applied " + e.index() + " after " + n.lastApplied
            + ": apply out of order");
      }
      if (e.index() > n.storage.durable().lastIndex() && e.index() > n.storage.durable().snapshotMeta().index()) {
        throw new AssertionError("node " + n.id + " applied entry " + e.index() + " before it was durable");
      }
      checker.applied(n.id, e);
      n.appliedCommands.put(e.index(), e.data());
      n.lastApplied = e.index();
      n.lastAppliedTerm = e.term();
      if (options.snapshotInterval() > 0 && (e.index() + 1) % options.snapshotInterval() == 0) {
        compactTo = e.index();
      }
    }
    for (ReadState rs : rd.readStates()) {
      // Linearizable reads: the read point covers everything committed before the read began.
      Long floor = readFloors.remove(rs.requestId());
      if (rs.succeeded() && floor != null && rs.index() < floor) {
        throw new AssertionError("node " + n.id + " answered read " + rs.requestId() + " at index " + rs.index()
            + " but " + floor + " was already committed when it was requested: stale read");
      }
      readStates.put(rs.requestId(), rs);
    }
    n.core.advance(rd);
    if (compactTo > n.storage.snapshotMeta().index() && compactTo <= n.storage.lastIndex()) {
      n.durableState = new SnapshotMeta(compactTo, n.storage.term(compactTo));
      n.storage.compact(compactTo);
    }
  }

  private void installSnapshot(SimNode n, SnapshotMeta meta) {
    if (!meta.equals(n.staged)) {
      throw new AssertionError("node " + n.id + " asked to install snapshot " + meta + " but staged " + n.staged);
    }
    snapshotsInstalled++;
    n.durableState = meta;
    n.lastApplied = meta.index();
    n.lastAppliedTerm = meta.term();
    n.staged = null;
  }

  private void afterEvent() {
    eventsRun++;
    for (SimNode n : nodes) {
      if (!n.isUp()) {
        continue;
      }
      CoreStatus s = n.core.status();
      checker.observe(s);
      if (s.role() == Role.LEADER && lastRole.get(n.id) != Role.LEADER) {
        checker.checkLeaderCompleteness(n.id, s.term(), n.storage);
      }
      lastRole.put(n.id, s.role());
      if (!n.persisting && n.pendingWrites == 0 && !n.unanswered.isEmpty()) {
        throw new AssertionError("node " + n.id + " left requests unanswered: " + n.unanswered);
      }
    }
    if (eventsRun % 500 == 0) {
      checkLogs();
    }
  }

  // ---- the network -------------------------------------------------------------------------

  private void send(SimNode from, RaftMessage m) {
    if (m.callId() != 0) {
      reply(from, m);
      return;
    }
    RaftMessage request = m;
    boolean snapshot = m instanceof InstallSnapshot;
    if (m instanceof InstallSnapshot is) {
      // The driver streams the state machine as it is now, which covers at least what was asked.
      if (from.lastApplied < is.lastIncludedIndex()) {
        throw new AssertionError("node " + from.id + " asked to send snapshot " + is.lastIncludedIndex()
            + " but applied only " + from.lastApplied);
      }
      request = new InstallSnapshot(is.from(), is.to(), is.term(), from.lastApplied, from.lastAppliedTerm, 0);
    }
    int to = (int) m.to();
    rpcCount[to]++;
    bytesTotal += wireSize(m);
    Call call = new Call(++nextCallId, from.id, from.incarnation, checker.disk(from.id), to, snapshot, false);
    calls.put(call.id(), call);
    if (!canTalk(from.id, to) || !nodes.get(to).isUp()) {
      failCall(call, faults.failureDelayMs(networkRandom));
      return;
    }
    if (faults.dropRequest(networkRandom)) {
      failCall(call, faults.requestDelayMs(networkRandom));
      return;
    }
    RaftMessage stamped = request.withCallId(call.id());
    long delay = faults.requestDelayMs(networkRandom);
    schedule(arrival(from.id, to, delay), () -> deliver(call, stamped));
    if (faults.duplicate(networkRandom)) {
      Call dup = new Call(++nextCallId, from.id, from.incarnation, call.fromDisk(), to, snapshot, true);
      calls.put(dup.id(), dup);
      RaftMessage copy = request.withCallId(dup.id());
      schedule(now + delay + faults.requestDelayMs(networkRandom), () -> deliver(dup, copy));
    }
  }

  private void deliver(Call call, RaftMessage request) {
    SimNode target = nodes.get(call.to());
    SimNode sender = nodes.get(call.from());
    if (!target.isUp() || !canTalk(call.from(), call.to()) || sender.incarnation != call.fromIncarnation()) {
      failCall(call, faults.failureDelayMs(networkRandom));
      return;
    }
    target.unanswered.add(call.id());
    input(target, () -> {
      if (request instanceof InstallSnapshot is) {
        target.staged = is.meta(); // the whole stream arrived and is staged
      }
      target.core.step(request);
    });
  }

  private void reply(SimNode responder, RaftMessage response) {
    if (!responder.unanswered.remove(response.callId())) {
      throw new AssertionError("node " + responder.id + " answered call " + response.callId() + " twice");
    }
    Call call = calls.get(response.callId());
    if (call == null) {
      return;
    }
    recordPromises(responder, response, call);
    bytesTotal += wireSize(response);
    if (!canTalk(responder.id, call.from()) || faults.dropReply(networkRandom)) {
      failCall(call, faults.replyDelayMs(networkRandom));
      return;
    }
    int responderIncarnation = responder.incarnation;
    RaftMessage delivered = response.withCallId(0);
    schedule(arrival(responder.id, call.from(), faults.replyDelayMs(networkRandom)), () -> {
      if (calls.remove(call.id()) == null || call.duplicate()) {
        return;
      }
      SimNode requester = nodes.get(call.from());
      if (requester.incarnation != call.fromIncarnation() || !requester.isUp()) {
        return;
      }
      if (responder.incarnation != responderIncarnation || !canTalk(responder.id, requester.id)) {
        reportFailure(requester, call);
        return;
      }
      input(requester, () -> requester.core.step(delivered));
    });
  }

  /**
   * Votes and acknowledgements are promises about durable state: check them as they leave. A vote
   * goes to the candidacy that asked for it, made with the disk the candidate had then.
   */
  private void recordPromises(SimNode responder, RaftMessage response, Call request) {
    if (response instanceof RequestVoteResponse v && v.voteGranted() && !v.preVote()) {
      checker.voteGranted(responder.id, v.term(), v.to(), request.fromDisk());
    } else if (response instanceof AppendEntriesResponse a && a.success()) {
      checker.acknowledged(responder.id, a.index(), responder.storage.durable());
    } else if (response instanceof InstallSnapshotResponse s) {
      checker.acknowledged(responder.id, s.matchIndex(), responder.storage.durable());
    }
  }

  private long arrival(int from, int to, long delay) {
    long at = now + delay;
    if (faults.reliable()) {
      at = Math.max(at, linkClock.getOrDefault(link(from, to), 0L));
      linkClock.put(link(from, to), at);
    }
    return at;
  }

  private void failCall(Call call, long delayMs) {
    schedule(now + delayMs, () -> {
      if (calls.remove(call.id()) == null || call.duplicate()) {
        return;
      }
      SimNode requester = nodes.get(call.from());
      if (requester.incarnation == call.fromIncarnation() && requester.isUp()) {
        reportFailure(requester, call);
      }
    });
  }

  private void reportFailure(SimNode requester, Call call) {
    input(requester, () -> {
      if (call.snapshot()) {
        requester.core.reportSnapshotFailed(call.to());
      } else {
        requester.core.reportUnreachable(call.to());
      }
    });
  }

  /**
   * Bytes on the wire, by the real protobuf encoding (as {@link SimNetwork} counts them). The core's
   * InstallSnapshot pair carries no data here (the driver streams it), so it counts as a header.
   */
  private static long wireSize(RaftMessage m) {
    if (m instanceof InstallSnapshot || m instanceof InstallSnapshotResponse) {
      return SNAPSHOT_HEADER_BYTES;
    }
    return SimNetwork.wireSize(m);
  }
}
