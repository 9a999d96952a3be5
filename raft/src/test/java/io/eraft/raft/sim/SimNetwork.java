package io.eraft.raft.sim;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.eraft.raft.SnapshotSource;
import io.eraft.raft.core.AppendEntries;
import io.eraft.raft.core.AppendEntriesResponse;
import io.eraft.raft.core.InstallSnapshotResponse;
import io.eraft.raft.core.RaftMessage;
import io.eraft.raft.core.GroupQuery;
import io.eraft.raft.core.GroupQueryResponse;
import io.eraft.raft.core.RequestVote;
import io.eraft.raft.core.RequestVoteResponse;
import io.eraft.raft.core.SnapshotMeta;
import io.eraft.raft.transport.HigherTermException;
import io.eraft.raft.transport.InboundHandler;
import io.eraft.raft.transport.MessageCodec;
import io.eraft.raft.transport.SnapshotChunk;
import io.eraft.raft.transport.SnapshotChunkReply;
import io.eraft.raft.transport.SnapshotSendException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-memory network of {@link SimTransport}s on real threads and the wall clock: eRaft's labrpc
 * for tests that run real {@code RaftNode}s (the virtual-time equivalent is {@link SimCluster}).
 * Each node gets its endpoint from {@link #transport(long)}; the test breaks and mends the network
 * with {@link #disconnect}/{@link #connect}, {@link #cut}, {@link #partition}, {@link #heal} and
 * {@link #kill}, and chooses faults with {@link #setReliable}, {@link #setLongReordering},
 * {@link #setLongDelays} and {@link #setDuplicateRate}, decided by {@link NetworkFaults} from a
 * {@link Random} seeded by {@link #seed()}. Thread scheduling still varies from run to run, so a seed
 * fixes the distribution of faults, not their exact interleaving.
 *
 * <p><b>A call.</b> Each request ({@code RequestVote}, {@code AppendEntries}, or one snapshot chunk)
 * is one call, settled exactly once: the sender's handler gets {@link InboundHandler#handleResponse}
 * or {@link InboundHandler#peerUnreachable} (a snapshot stream continues or fails). The request
 * arrives after a short delay with {@code callId} 0, unless it is dropped or the peer cannot be
 * reached: then the call fails after a delay (up to 7 s with long delays, as labrpc). The receiver's
 * handler then has {@link #setRpcTimeout rpcTimeout} ({@link #setSnapshotChunkTimeout
 * snapshotChunkTimeout} for a chunk) to answer, like gRPC's deadline; only that wait counts against
 * the timeout, not the delays the network adds. The answer travels back after a delay (long with
 * long reordering) with {@code callId} 0, or is dropped. As in labrpc, a call fails promptly when
 * its link goes down or its receiver dies while the receiver is answering, and an answer is never
 * delivered from a node that died: a killed node's late answers are discarded. A duplicated request
 * reaches the receiver twice; the second answer is discarded.
 *
 * <p><b>Counting</b> (labrpc's {@code GetCount}, {@code GetTotalCount}, {@code GetTotalBytes}):
 * {@link #rpcCount} counts requests delivered to a node (duplicates included), {@link #rpcTotal}
 * requests sent, {@link #bytesTotal} the {@code raftpb} encoded size of requests sent plus answers
 * delivered. A snapshot chunk counts as one request.
 *
 * <p>Thread-safe. One lock guards all state; handlers are never called while it is held. Owns its
 * delivery threads ({@code sim-network-<n>-<i>}, daemons), released by {@link #close()}; does not own
 * the handlers.
 */
public final class SimNetwork implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SimNetwork.class);

  public static final Duration DEFAULT_RPC_TIMEOUT = Duration.ofMillis(500);
  public static final Duration DEFAULT_SNAPSHOT_CHUNK_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_SNAPSHOT_CHUNK_BYTES = 64 * 1024;

  /**
   * Unsettled requests from one node to one peer; beyond it a send is reported unreachable on the
   * sending thread, as {@code GrpcTransportOptions.maxOutstandingRequestsPerPeer} does, so a node
   * heartbeating a peer behind 7 s failure delays cannot pile up work without bound.
   */
  static final int MAX_OUTSTANDING_REQUESTS_PER_PEER = 1024;

  private static final int DELIVERY_THREADS = 2;
  private static final long CLOSE_TIMEOUT_SECONDS = 5;
  private static final AtomicInteger NETWORKS = new AtomicInteger();

  private final long seed;
  private final ScheduledThreadPoolExecutor executor;
  private final Object lock = new Object();

  // Everything below is guarded by lock.
  private final Random random;
  private final NetworkFaults faults = new NetworkFaults();
  private boolean instant;
  private boolean countBytes = true;
  private Duration rpcTimeout = DEFAULT_RPC_TIMEOUT;
  private Duration snapshotChunkTimeout = DEFAULT_SNAPSHOT_CHUNK_TIMEOUT;
  private int snapshotChunkBytes = DEFAULT_SNAPSHOT_CHUNK_BYTES;
  /** The current endpoint of each node id, dead or alive. */
  private final Map<Long, SimTransport> endpoints = new HashMap<>();
  private final Set<Long> disconnected = new HashSet<>();
  private final Set<Link> cuts = new HashSet<>();
  /** One side of the partition, or null: links across it are down. */
  private Set<Long> partitionSide;
  /** Every unsettled call, duplicates included. */
  private final Set<Call> inFlight = new HashSet<>();
  private final Set<SnapshotStream> streams = new HashSet<>();
  private final Map<Long, Long> delivered = new HashMap<>();
  private long rpcTotal;
  private long bytesTotal;
  /** Deliveries and failures scheduled and not yet run (timeouts are not counted). */
  private int pendingTasks;
  private boolean closed;

  /** A network with one seed for all its fault decisions, reliable, with long failure delays. */
  public SimNetwork(long seed) {
    this.seed = seed;
    this.random = new Random(seed);
    int n = NETWORKS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.executor = new ScheduledThreadPoolExecutor(DELIVERY_THREADS, task -> {
      Thread t = new Thread(task, "sim-network-" + n + "-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
  }

  /** The seed the fault decisions derive from. */
  public long seed() {
    return seed;
  }

  /**
   * A new endpoint for node {@code nodeId}, to be started by the node. It replaces the node's
   * previous endpoint, if any, which dies as with {@link #kill}: this is how a restarted node
   * rejoins.
   *
   * @throws IllegalStateException if the network is closed
   */
  public SimTransport transport(long nodeId) {
    SimTransport fresh = new SimTransport(this, nodeId);
    List<Runnable> callbacks = List.of();
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the simulated network is closed");
      }
      SimTransport old = endpoints.put(nodeId, fresh);
      if (old != null) {
        callbacks = endLocked(old, "node " + nodeId + " restarted");
      }
    }
    callbacks.forEach(Runnable::run);
    return fresh;
  }

  // ---- faults -------------------------------------------------------------------------------

  /** Unreliable: requests are delayed 0–26 ms, 10% of requests and 10% of answers are dropped. */
  public void setReliable(boolean reliable) {
    synchronized (lock) {
      faults.setReliable(reliable);
    }
  }

  /** Two thirds of answers are delayed 200–2200 ms, so late answers overtake newer ones. */
  public void setLongReordering(boolean longReordering) {
    synchronized (lock) {
      faults.setLongReordering(longReordering);
    }
  }

  /** A call to a peer that cannot be reached fails after up to 7 s (on, the default) or 100 ms. */
  public void setLongDelays(boolean longDelays) {
    synchronized (lock) {
      faults.setLongDelays(longDelays);
    }
  }

  /** The probability that a delivered request is delivered a second time (0 by default). */
  public void setDuplicateRate(double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("duplicate rate must be within [0, 1], got " + rate);
    }
    synchronized (lock) {
      faults.setDuplicateRate(rate);
    }
  }

  /**
   * With {@code instant} on, the network adds no delay at all (faults still apply): for benchmarks
   * that measure the node rather than the network.
   */
  public void setInstant(boolean instant) {
    synchronized (lock) {
      this.instant = instant;
    }
  }

  /**
   * Whether {@link #bytesTotal} counts (on by default). Counting encodes every message with
   * protobuf, which benchmarks of the node itself should not pay for.
   */
  public void setByteCounting(boolean countBytes) {
    synchronized (lock) {
      this.countBytes = countBytes;
    }
  }

  /** How long a receiver may take to answer a request before the call fails (500 ms by default). */
  public void setRpcTimeout(Duration timeout) {
    requirePositive("rpcTimeout", timeout);
    synchronized (lock) {
      rpcTimeout = timeout;
    }
  }

  /** How long a receiver may take to answer a snapshot chunk (10 s by default). */
  public void setSnapshotChunkTimeout(Duration timeout) {
    requirePositive("snapshotChunkTimeout", timeout);
    synchronized (lock) {
      snapshotChunkTimeout = timeout;
    }
  }

  /** Bytes of snapshot data per chunk of snapshots started later (64 KiB by default). */
  public void setSnapshotChunkBytes(int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("snapshotChunkBytes must be positive, got " + bytes);
    }
    synchronized (lock) {
      snapshotChunkBytes = bytes;
    }
  }

  // ---- topology -----------------------------------------------------------------------------

  /** Takes down every link of {@code nodeId}, both ways (labrpc's {@code Enable(false)}). */
  public void disconnect(long nodeId) {
    synchronized (lock) {
      disconnected.add(nodeId);
      abandonBrokenLocked();
    }
  }

  /** Restores the links of {@code nodeId} that no {@link #cut} or {@link #partition} holds down. */
  public void connect(long nodeId) {
    synchronized (lock) {
      disconnected.remove(nodeId);
    }
  }

  /** Takes down the link between {@code a} and {@code b}, both ways. */
  public void cut(long a, long b) {
    synchronized (lock) {
      cuts.add(new Link(Math.min(a, b), Math.max(a, b)));
      abandonBrokenLocked();
    }
  }

  /**
   * Splits the network in two: the nodes in {@code side} reach only each other, all others (later
   * ones too) only each other. Replaces an earlier partition.
   */
  public void partition(Set<Long> side) {
    synchronized (lock) {
      partitionSide = Set.copyOf(side);
      abandonBrokenLocked();
    }
  }

  /** Undoes every {@link #cut}, {@link #partition} and {@link #disconnect}; killed nodes stay dead. */
  public void heal() {
    synchronized (lock) {
      cuts.clear();
      partitionSide = null;
      disconnected.clear();
    }
  }

  /**
   * Crashes node {@code nodeId} at the network level: its current endpoint dies for good. Its
   * outstanding requests are reported unreachable to its own handler now; requests it was answering
   * fail for their senders, and answers it gives later are never delivered; nothing reaches it any
   * more and what it sends fails. A restarted node gets a new endpoint from {@link #transport}.
   */
  public void kill(long nodeId) {
    List<Runnable> callbacks = List.of();
    synchronized (lock) {
      SimTransport e = endpoints.get(nodeId);
      if (e != null && !e.dead) {
        callbacks = endLocked(e, "node " + nodeId + " was killed");
      }
    }
    callbacks.forEach(Runnable::run);
  }

  // ---- counters -----------------------------------------------------------------------------

  /** Requests delivered to node {@code nodeId} (its handler was called), duplicates included. */
  public long rpcCount(long nodeId) {
    synchronized (lock) {
      return delivered.getOrDefault(nodeId, 0L);
    }
  }

  /** Requests sent by all nodes (snapshot chunks included, network duplicates not). */
  public long rpcTotal() {
    synchronized (lock) {
      return rpcTotal;
    }
  }

  /** Encoded bytes of all requests sent plus all answers delivered to their senders. */
  public long bytesTotal() {
    synchronized (lock) {
      return bytesTotal;
    }
  }

  /**
   * Waits until every call is settled and nothing is scheduled: what has been sent so far has had
   * all its effects. A handler that never answers holds this up until its call times out.
   *
   * @return whether that happened within {@code timeout}
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (pendingTasks > 0 || !inFlight.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }

  /**
   * Closes every endpoint (settling their calls and failing their snapshots) and stops the delivery
   * threads, waiting up to 5 s. Idempotent.
   */
  @Override
  public void close() {
    List<Runnable> callbacks = new ArrayList<>();
    List<SnapshotStream> open;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      for (SimTransport e : endpoints.values()) {
        e.closed = true;
        callbacks.addAll(endLocked(e, "the network is closed"));
      }
      for (Call c : List.copyOf(inFlight)) { // calls of endpoints replaced earlier
        if (settleLocked(c)) {
          callbacks.add(() -> c.fail("the network is closed"));
        }
      }
      open = List.copyOf(streams);
    }
    callbacks.forEach(Runnable::run);
    open.forEach(s -> s.finish(null, new SnapshotSendException(s.to, "the network is closed", null)));
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("simulated network (seed {}) did not stop its delivery threads within {} s", seed,
            CLOSE_TIMEOUT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- endpoints (called by SimTransport) ---------------------------------------------------

  void start(SimTransport e, InboundHandler handler) {
    synchronized (lock) {
      if (e.closed) {
        throw new IllegalStateException("transport of node " + e.id() + " is closed");
      }
      if (e.handler != null) {
        throw new IllegalStateException("transport of node " + e.id() + " is already started");
      }
      e.handler = handler;
    }
  }

  void close(SimTransport e) {
    List<Runnable> callbacks = List.of();
    synchronized (lock) {
      if (e.closed) {
        return;
      }
      e.closed = true;
      callbacks = endLocked(e, "transport of node " + e.id() + " is closed");
    }
    callbacks.forEach(Runnable::run);
  }

  void send(SimTransport sender, RaftMessage request) {
    long to = request.to();
    boolean refused = false;
    synchronized (lock) {
      if (closed || sender.closed
          || sender.outstandingRequests.getOrDefault(to, 0) >= MAX_OUTSTANDING_REQUESTS_PER_PEER) {
        refused = true;
      } else {
        RaftMessage untagged = request.withCallId(0);
        Call call = new Call(sender, to, untagged, requestOutcome(sender, to), rpcTimeout);
        registerLocked(call);
        routeLocked(call);
        if (call.receiverPlanned && faults.duplicate(random)) {
          Call copy = new Call(sender, to, untagged, null, rpcTimeout);
          inFlight.add(copy);
          scheduleLocked(call.plannedDelayMs + requestDelayLocked(), () -> deliver(copy));
        }
      }
    }
    if (refused) {
      sender.handler.peerUnreachable(to); // on the sending thread, as the Transport contract allows
    }
  }

  CompletableFuture<InstallSnapshotResponse> sendSnapshot(SimTransport sender, long to, long term,
      SnapshotSource source) {
    SnapshotStream stream;
    synchronized (lock) {
      stream = new SnapshotStream(sender, to, term, source, snapshotChunkBytes, snapshotChunkTimeout);
      if (!sender.closed && !closed) {
        streams.add(stream);
        scheduleLocked(0, stream::sendNext);
        return stream.future;
      }
    }
    stream.finish(null, new SnapshotSendException(to, "transport of node " + sender.id() + " is closed", null));
    return stream.future;
  }

  // ---- the life of a call -------------------------------------------------------------------

  private void registerLocked(Call call) {
    rpcTotal++;
    if (countBytes) {
      bytesTotal += wireSize(call.request);
    }
    inFlight.add(call);
    call.sender.outstanding.add(call);
    if (call.request instanceof RaftMessage) {
      call.sender.outstandingRequests.merge(call.to, 1, Integer::sum);
    }
  }

  /** Sends {@code call} on its way: scheduled delivery, or a failure after a delay. */
  private void routeLocked(Call call) {
    SimTransport receiver = endpoints.get(call.to);
    if (!isLiveLocked(call.sender) || receiver == null || !isLiveLocked(receiver)
        || !linkUpLocked(call.sender.id(), call.to)) {
      failLaterLocked(call, failureDelayLocked(), "peer " + call.to + " cannot be reached");
      return;
    }
    if (faults.dropRequest(random)) {
      failLaterLocked(call, requestDelayLocked(), "request dropped");
      return;
    }
    call.receiverPlanned = true;
    call.plannedDelayMs = requestDelayLocked();
    scheduleLocked(call.plannedDelayMs, () -> deliver(call));
  }

  /** The request arrives: hand it to the receiver's handler if the receiver can still be reached. */
  private void deliver(Call call) {
    SimTransport receiver;
    synchronized (lock) {
      if (call.settled) {
        return;
      }
      receiver = endpoints.get(call.to);
      if (!isLiveLocked(call.sender) || receiver == null || !isLiveLocked(receiver)
          || !linkUpLocked(call.sender.id(), call.to)) {
        failLaterLocked(call, failureDelayLocked(), "peer " + call.to + " cannot be reached");
        return;
      }
      call.receiver = receiver;
      receiver.serving.add(call);
      delivered.merge(call.to, 1L, Long::sum);
      call.timeout = scheduleTimeoutLocked(call);
    }
    InboundHandler h = receiver.handler;
    CompletableFuture<?> answer;
    try {
      answer = call.request instanceof SnapshotChunk chunk
          ? h.handleSnapshotChunk(chunk)
          : h.handleRequest((RaftMessage) call.request);
      if (answer == null) {
        throw new NullPointerException("handler of node " + call.to + " returned no future");
      }
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    SimTransport answering = receiver;
    answer.whenComplete((reply, error) -> answered(call, answering, reply, error));
  }

  /** The receiver's handler answered: send the answer back unless it is lost. */
  private void answered(Call call, SimTransport receiver, Object reply, Throwable error) {
    synchronized (lock) {
      if (!receiver.serving.remove(call)) {
        return; // already settled, timed out, or abandoned when the link or the receiver went down
      }
      cancelTimeoutLocked(call);
      String problem = error != null ? "peer " + call.to + " failed to answer: " + error : misanswer(call, reply);
      if (problem != null) {
        failLaterLocked(call, replyDelayLocked(), problem);
        return;
      }
      if (!isLiveLocked(receiver) || !linkUpLocked(call.to, call.sender.id()) || faults.dropReply(random)) {
        failLaterLocked(call, replyDelayLocked(), "answer lost");
        return;
      }
      Object untagged = reply instanceof RaftMessage m ? m.withCallId(0) : reply;
      scheduleLocked(replyDelayLocked(), () -> arrive(call, receiver, untagged));
    }
  }

  /** The answer arrives back; a receiver that died meanwhile never answers (labrpc). */
  private void arrive(Call call, SimTransport receiver, Object reply) {
    boolean ok;
    synchronized (lock) {
      if (!settleLocked(call)) {
        return;
      }
      ok = isLiveLocked(receiver) && linkUpLocked(call.to, call.sender.id());
      if (ok && call.outcome != null) {
        if (countBytes) {
          bytesTotal += wireSize(reply);
        }
      }
    }
    if (ok) {
      call.answer(reply);
    } else {
      call.fail("answer lost: peer " + call.to + " went down");
    }
  }

  private void timedOut(Call call, SimTransport receiver) {
    synchronized (lock) {
      if (!receiver.serving.contains(call) || !settleLocked(call)) {
        return;
      }
    }
    call.fail("peer " + call.to + " did not answer within the timeout");
  }

  /** Settles {@code call} (once) and forgets it; its outcome is then run, outside the lock. */
  private boolean settleLocked(Call call) {
    if (call.settled) {
      return false;
    }
    call.settled = true;
    inFlight.remove(call);
    if (call.sender.outstanding.remove(call) && call.request instanceof RaftMessage) {
      call.sender.outstandingRequests.merge(call.to, -1, (a, b) -> a + b == 0 ? null : a + b);
    }
    if (call.receiver != null) {
      call.receiver.serving.remove(call);
    }
    cancelTimeoutLocked(call);
    if (inFlight.isEmpty() && pendingTasks == 0) {
      lock.notifyAll();
    }
    return true;
  }

  private void failLaterLocked(Call call, long delayMs, String reason) {
    scheduleLocked(delayMs, () -> {
      boolean settled;
      synchronized (lock) {
        settled = settleLocked(call);
      }
      if (settled) {
        call.fail(reason);
      }
    });
  }

  /**
   * Ends endpoint {@code e}: its own unsettled calls are settled now (their failures returned, to run
   * outside the lock), the calls it was answering fail for their senders at once.
   */
  private List<Runnable> endLocked(SimTransport e, String reason) {
    e.dead = true;
    List<Runnable> callbacks = new ArrayList<>();
    for (Call c : List.copyOf(e.outstanding)) {
      if (settleLocked(c)) {
        callbacks.add(() -> c.fail(reason));
      }
    }
    for (Call c : List.copyOf(e.serving)) {
      abandonLocked(c, reason);
    }
    return callbacks;
  }

  /** Calls being answered across a link that just went down fail now (labrpc checks every 100 ms). */
  private void abandonBrokenLocked() {
    for (SimTransport e : endpoints.values()) {
      for (Call c : List.copyOf(e.serving)) {
        if (!linkUpLocked(c.sender.id(), e.id())) {
          abandonLocked(c, "link between " + c.sender.id() + " and " + e.id() + " went down");
        }
      }
    }
  }

  /** Stops waiting for the receiver's answer (it will be discarded) and fails the call. */
  private void abandonLocked(Call call, String reason) {
    if (call.receiver != null) {
      call.receiver.serving.remove(call);
    }
    cancelTimeoutLocked(call);
    failLaterLocked(call, 0, reason);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private boolean isLiveLocked(SimTransport e) {
    return endpoints.get(e.id()) == e && !e.dead && !e.closed && e.handler != null;
  }

  private boolean linkUpLocked(long a, long b) {
    return !disconnected.contains(a) && !disconnected.contains(b)
        && !cuts.contains(new Link(Math.min(a, b), Math.max(a, b)))
        && (partitionSide == null || partitionSide.contains(a) == partitionSide.contains(b));
  }

  private long requestDelayLocked() {
    return instant ? 0 : faults.requestDelayMs(random);
  }

  private long replyDelayLocked() {
    return instant ? 0 : faults.replyDelayMs(random);
  }

  private long failureDelayLocked() {
    return instant ? 0 : faults.failureDelayMs(random);
  }

  private void scheduleLocked(long delayMs, Runnable task) {
    pendingTasks++;
    try {
      executor.schedule(() -> runTask(task), delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      pendingTasks--; // the network is closed: every endpoint, and so every call, is already settled
    }
  }

  private void runTask(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      // The top of a delivery thread: a handler that throws must not stop the network.
      LOG.error("simulated network (seed {}): a handler threw", seed, e);
    } finally {
      synchronized (lock) {
        pendingTasks--;
        if (pendingTasks == 0 && inFlight.isEmpty()) {
          lock.notifyAll();
        }
      }
    }
  }

  private ScheduledFuture<?> scheduleTimeoutLocked(Call call) {
    SimTransport receiver = call.receiver;
    try {
      return executor.schedule(() -> runGuarded(() -> timedOut(call, receiver)), call.answerTimeout.toNanos(),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  private void runGuarded(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.error("simulated network (seed {}): a handler threw", seed, e);
    }
  }

  private static void cancelTimeoutLocked(Call call) {
    if (call.timeout != null) {
      call.timeout.cancel(false);
      call.timeout = null;
    }
  }

  /** Why {@code reply} cannot answer {@code call}, or null if it can. */
  private static String misanswer(Call call, Object reply) {
    String problem = null;
    if (call.request instanceof SnapshotChunk) {
      if (!(reply instanceof SnapshotChunkReply)) {
        problem = "answered a snapshot chunk with " + describe(reply);
      }
    } else {
      Class<?> expected = call.request instanceof RequestVote ? RequestVoteResponse.class
          : call.request instanceof GroupQuery ? GroupQueryResponse.class : AppendEntriesResponse.class;
      if (!expected.isInstance(reply)) {
        problem = "answered " + call.request.getClass().getSimpleName() + " with " + describe(reply);
      } else {
        RaftMessage m = (RaftMessage) reply;
        if (m.from() != call.to || m.to() != call.sender.id()) {
          problem = "answered a request from " + call.sender.id() + " to " + call.to + " with one from " + m.from()
              + " to " + m.to();
        }
      }
    }
    if (problem != null) {
      // A bug in the handler; the sender sees the peer unreachable, as gRPC's INTERNAL would make it.
      LOG.error("node {} {}", call.to, problem);
    }
    return problem;
  }

  private static String describe(Object reply) {
    return reply == null ? "null" : reply.getClass().getSimpleName();
  }

  /** The size of {@code m} encoded as its {@code raftpb} message. */
  static long wireSize(Object m) {
    if (m instanceof RequestVote v) {
      return MessageCodec.encode(v).getSerializedSize();
    } else if (m instanceof RequestVoteResponse v) {
      return MessageCodec.encode(v).getSerializedSize();
    } else if (m instanceof AppendEntries a) {
      return MessageCodec.encode(a).getSerializedSize();
    } else if (m instanceof AppendEntriesResponse a) {
      return MessageCodec.encode(a).getSerializedSize();
    } else if (m instanceof GroupQuery q) {
      return MessageCodec.encode(q).getSerializedSize();
    } else if (m instanceof GroupQueryResponse q) {
      return MessageCodec.encode(q).getSerializedSize();
    } else if (m instanceof SnapshotChunk c) {
      return MessageCodec.encode(c).getSerializedSize();
    } else if (m instanceof SnapshotChunkReply r) {
      return MessageCodec.encode(r).getSerializedSize();
    }
    throw new IllegalArgumentException("not a network message: " + describe(m));
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
    }
  }

  private static Outcome requestOutcome(SimTransport sender, long to) {
    return new Outcome() {
      @Override
      public void answered(Object reply) {
        sender.handler.handleResponse((RaftMessage) reply);
      }

      @Override
      public void failed(String reason) {
        LOG.debug("request from node {} to peer {} failed: {}", sender.id(), to, reason);
        sender.handler.peerUnreachable(to);
      }
    };
  }

  /** An undirected link. */
  private record Link(long low, long high) {}

  /** What happens when a call settles; run outside the network's lock. */
  interface Outcome {
    void answered(Object reply);

    void failed(String reason);
  }

  /**
   * One request on its way to the receiver, being answered, or its answer on the way back. Guarded
   * by the network's lock, except the final fields.
   */
  static final class Call {
    final SimTransport sender;
    final long to;
    /** A {@link RaftMessage} with {@code callId} 0 or a {@link SnapshotChunk}. */
    final Object request;
    /** Null for a network duplicate, whose answer is discarded. */
    final Outcome outcome;
    final Duration answerTimeout;
    boolean settled;
    boolean receiverPlanned;
    long plannedDelayMs;
    SimTransport receiver;
    ScheduledFuture<?> timeout;

    Call(SimTransport sender, long to, Object request, Outcome outcome, Duration answerTimeout) {
      this.sender = sender;
      this.to = to;
      this.request = request;
      this.outcome = outcome;
      this.answerTimeout = answerTimeout;
    }

    void answer(Object reply) {
      if (outcome != null) {
        outcome.answered(reply);
      }
    }

    void fail(String reason) {
      if (outcome != null) {
        outcome.failed(reason);
      }
    }
  }

  /**
   * One snapshot streamed chunk by chunk (Raft paper figure 13), each chunk a call awaited before
   * the next is read, on the delivery threads. Confined: one step runs at a time, each started by
   * the previous one's outcome. Always closes its source.
   */
  private final class SnapshotStream implements Outcome {
    final SimTransport sender;
    final long to;
    final long term;
    final SnapshotSource source;
    final int chunkBytes;
    final Duration chunkTimeout;
    final CompletableFuture<InstallSnapshotResponse> future = new CompletableFuture<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    private SnapshotMeta meta;
    private InputStream in;
    private ByteString chunk;
    private ByteString next;
    private boolean last;
    private long offset;

    SnapshotStream(SimTransport sender, long to, long term, SnapshotSource source, int chunkBytes,
        Duration chunkTimeout) {
      this.sender = sender;
      this.to = to;
      this.term = term;
      this.source = source;
      this.chunkBytes = chunkBytes;
      this.chunkTimeout = chunkTimeout;
    }

    void sendNext() {
      if (finished.get()) {
        return;
      }
      try {
        if (in == null) {
          meta = source.meta();
          in = source.data();
          chunk = read();
        }
        // Read one chunk ahead: the current chunk is the last one exactly when nothing follows it.
        next = chunk.size() < chunkBytes ? ByteString.EMPTY : read();
        last = next.isEmpty();
      } catch (IOException | RuntimeException e) {
        finish(null, new SnapshotSendException(to, "cannot read the snapshot after " + offset + " bytes: " + e, e));
        return;
      }
      SnapshotChunk c = new SnapshotChunk(sender.id(), to, term, meta.index(), meta.term(), offset, chunk, last);
      boolean refused;
      synchronized (lock) {
        refused = closed || sender.closed;
        if (!refused) {
          Call call = new Call(sender, to, c, this, chunkTimeout);
          registerLocked(call);
          routeLocked(call);
        }
      }
      if (refused) {
        failed("transport of node " + sender.id() + " is closed");
      }
    }

    @Override
    public void answered(Object reply) {
      SnapshotChunkReply r = (SnapshotChunkReply) reply;
      if (r.term() > term) {
        finish(null, new HigherTermException(to, r.term()));
        return;
      }
      offset += chunk.size();
      if (last) {
        finish(new InstallSnapshotResponse(to, sender.id(), r.term(), r.matchIndex(), 0), null);
        return;
      }
      if (r.nextOffset() != offset) {
        finish(null, new SnapshotSendException(to, "peer expects offset " + r.nextOffset() + " after " + offset
            + " bytes were sent", null));
        return;
      }
      chunk = next;
      synchronized (lock) {
        scheduleLocked(0, this::sendNext);
      }
    }

    @Override
    public void failed(String reason) {
      finish(null, new SnapshotSendException(to, "chunk at offset " + offset + " failed: " + reason, null));
    }

    void finish(InstallSnapshotResponse response, RuntimeException failure) {
      if (!finished.compareAndSet(false, true)) {
        return;
      }
      synchronized (lock) {
        streams.remove(this);
      }
      try {
        source.close();
      } catch (RuntimeException e) {
        LOG.warn("snapshot source for peer {} failed to close: {}", to, e.toString());
      }
      if (failure == null) {
        future.complete(response);
      } else {
        LOG.debug("snapshot from node {} to peer {} failed: {}", sender.id(), to, failure.getMessage());
        future.completeExceptionally(failure);
      }
    }

    private ByteString read() throws IOException {
      // The array is fresh and never written again, so wrapping it without a copy is safe.
      return UnsafeByteOperations.unsafeWrap(in.readNBytes(chunkBytes));
    }
  }
}
