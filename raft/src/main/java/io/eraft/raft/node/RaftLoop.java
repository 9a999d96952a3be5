package io.eraft.raft.node;

import com.google.protobuf.ByteString;
import io.eraft.raft.LeadershipListener;
import io.eraft.raft.ProposalFailedException.Reason;
import io.eraft.raft.ProposalFailedException;
import io.eraft.raft.RaftStatus;
import io.eraft.raft.core.HardState;
import io.eraft.raft.core.InstallSnapshot;
import io.eraft.raft.core.ProposeResult;
import io.eraft.raft.core.RaftCore;
import io.eraft.raft.core.RaftMessage;
import io.eraft.raft.core.ReadState;
import io.eraft.raft.core.Ready;
import io.eraft.raft.core.SnapshotMeta;
import io.eraft.raft.storage.LogStore;
import io.eraft.raft.transport.Transport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raft loop ({@code raft-loop-<id>}): the only thread that touches the {@link RaftCore} and
 * writes the {@link LogStore}. Each iteration drains everything queued — ticks, peer traffic, and
 * all waiting proposals and reads as one batch — then works off the core's {@link Ready}s in the
 * order {@link Ready} prescribes: send, install a snapshot, persist (one synced write per batch:
 * group commit), release acknowledgements, hand committed entries to the {@link Applier}.
 * Everything else talks to it by queueing work; all {@code submit} methods are thread-safe and
 * never block. Any exception inside stops the node (fail-stop).
 *
 * @param <R> the state machine's result type
 */
public final class RaftLoop<R> {
  private static final Logger LOG = LoggerFactory.getLogger(RaftLoop.class);
  private static final int MAX_DRAIN = 8192;

  private record Proposal<R>(ByteString command, CompletableFuture<R> future) {}

  private record Read(long requestId, CompletableFuture<Long> future) {}

  private final long id;
  private final RaftCore core;
  private final LogStore log;
  private final Transport transport;
  private final Applier<R> applier;
  private final ReadyPersister persister;
  private final SnapshotReceiver snapshots;
  private final PendingProposals<R> proposals;
  private final NodeMetrics metrics;
  private final StepwiseCompaction compaction;
  private final int maxQueuedProposals;
  private final Consumer<Throwable> onFailure;
  private final LongConsumer clusterIdRecorder;
  /** The cluster id passed to the recorder in this run (each run passes it once: the record may lag). */
  private long recordedClusterId = HardState.NO_CLUSTER;

  private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private final AtomicInteger queuedProposals = new AtomicInteger();
  private final AtomicBoolean tickQueued = new AtomicBoolean();
  private final AtomicLong nextCallId = new AtomicLong();
  private final AtomicLong nextReadId = new AtomicLong();
  private final Map<Long, CompletableFuture<RaftMessage>> inboundCalls = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<Long>> pendingReads = new HashMap<>();
  private final Set<Long> snapshotsInFlight = ConcurrentHashMap.newKeySet();
  private final List<Long> peers;
  private final Thread thread;
  private final StatusPublisher published;
  private volatile boolean running = true;

  RaftLoop(long id, List<Long> peers, RaftCore core, LogStore log, Transport transport, Applier<R> applier,
      SnapshotReceiver snapshots, PendingProposals<R> proposals, NodeMetrics metrics, long compactionRetainEntries,
      int maxQueuedProposals, LongConsumer clusterIdRecorder, Consumer<Throwable> onFailure) {
    this.persister = new ReadyPersister(id, log, metrics, this::dispatch,
        readies -> inbox.add((Runnable) () -> readies.forEach(core::persisted)), this::submitFailure);
    this.id = id;
    this.peers = List.copyOf(peers);
    this.core = core;
    this.log = log;
    this.transport = transport;
    this.applier = applier;
    this.snapshots = snapshots;
    this.proposals = proposals;
    this.metrics = metrics;
    this.published = new StatusPublisher(id, metrics);
    this.compaction = new StepwiseCompaction(id, log, compactionRetainEntries, step -> inbox.add(step));
    this.maxQueuedProposals = maxQueuedProposals;
    this.clusterIdRecorder = clusterIdRecorder;
    this.onFailure = onFailure;
    this.thread = new Thread(this::run, "raft-loop-" + id);
    thread.setDaemon(true);
    publishStatus(null);
  }

  void addLeadershipListener(LeadershipListener listener) {
    published.addLeadershipListener(listener);
  }

  void start() {
    persister.start();
    thread.start();
  }

  RaftStatus status() {
    return published.status();
  }

  long lastCycleNanos() {
    return published.lastCycleNanos();
  }

  // ---- submissions (any thread) ------------------------------------------------------------

  /** One tick of the logical clock; dropped if the previous one is still queued (loop stalled). */
  boolean submitTick() {
    if (!tickQueued.compareAndSet(false, true)) {
      return false;
    }
    inbox.add((Runnable) () -> {
      tickQueued.set(false);
      core.tick();
    });
    return true;
  }

  void submitProposal(ByteString command, CompletableFuture<R> future) {
    if (!running) {
      fail(future, Reason.STOPPED, "node " + id + " is stopped");
    } else if (queuedProposals.incrementAndGet() > maxQueuedProposals) {
      queuedProposals.decrementAndGet();
      fail(future, Reason.OVERLOADED, "node " + id + " has " + maxQueuedProposals + " proposals queued");
    } else {
      inbox.add(new Proposal<>(command, future));
      failQueuedIfStopped();
    }
  }

  void submitRead(CompletableFuture<Long> future) {
    if (!running) {
      fail(future, Reason.STOPPED, "node " + id + " is stopped");
      return;
    }
    inbox.add(new Read(nextReadId.incrementAndGet(), future));
    failQueuedIfStopped();
  }

  /** A request from a peer; the future completes with the core's answer. */
  CompletableFuture<RaftMessage> submitRequest(RaftMessage request) {
    CompletableFuture<RaftMessage> answer = new CompletableFuture<>();
    if (!running) {
      answer.completeExceptionally(new IllegalStateException("node " + id + " is stopped"));
      return answer;
    }
    // The core answers every request except a misaddressed one, which it ignores: refuse those here.
    if (request.to() != id || request.from() == id || !peers.contains(request.from())) {
      answer.completeExceptionally(new IllegalArgumentException("node " + id + " got a request from "
          + request.from() + " to " + request.to() + "; peers are " + peers));
      return answer;
    }
    long callId = nextCallId.incrementAndGet();
    inboundCalls.put(callId, answer);
    inbox.add((Runnable) () -> core.step(request.withCallId(callId)));
    if (!running && inboundCalls.remove(callId, answer)) {
      answer.completeExceptionally(new IllegalStateException("node " + id + " is stopped"));
    }
    return answer;
  }

  void submitResponse(RaftMessage response) {
    inbox.add((Runnable) () -> core.step(response));
  }

  void submitUnreachable(long peer) {
    inbox.add((Runnable) () -> core.reportUnreachable(peer));
  }

  /** The state machine durably applied through {@code index}: the log may be compacted. */
  void submitCompaction(long index) {
    inbox.add((Runnable) () -> compaction.durableThrough(index));
  }

  void submitFailure(Throwable cause) {
    inbox.add((Runnable) () -> {
      throw new IllegalStateException("node " + id + " stops: " + cause.getMessage(), cause);
    });
  }

  /** Stops after the current iteration; waits for the thread to end. */
  void stop() throws InterruptedException {
    inbox.add((Runnable) () -> running = false);
    thread.join();
    persister.stop();
  }

  // ---- the loop (raft-loop thread) ---------------------------------------------------------

  private void run() {
    Throwable failure = null;
    try {
      List<Object> batch = new ArrayList<>();
      while (running) {
        batch.add(inbox.take());
        inbox.drainTo(batch, MAX_DRAIN);
        process(batch);
        batch.clear();
        while (core.hasReady()) {
          handle(core.ready());
        }
        publishStatus(null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      failure = t;
      LOG.error("node {} raft loop failed at term {}; the node stops", id, core.status().term(), t);
    } finally {
      running = false;
      shutDownWork(failure);
    }
  }

  private void process(List<Object> batch) {
    List<Proposal<R>> proposed = new ArrayList<>();
    for (Object item : batch) {
      if (item instanceof Proposal<?> p) {
        @SuppressWarnings("unchecked")
        Proposal<R> proposal = (Proposal<R>) p;
        proposed.add(proposal);
      } else if (item instanceof Read r) {
        pendingReads.put(r.requestId(), r.future());
        core.readIndex(r.requestId());
      } else {
        ((Runnable) item).run();
      }
    }
    if (!proposed.isEmpty()) {
      queuedProposals.addAndGet(-proposed.size());
      propose(proposed);
    }
  }

  private void propose(List<Proposal<R>> batch) {
    List<ByteString> commands = new ArrayList<>(batch.size());
    for (Proposal<R> p : batch) {
      commands.add(p.command());
    }
    ProposeResult result = core.propose(commands);
    for (int i = 0; i < batch.size(); i++) {
      if (result.accepted()) {
        proposals.register(result.firstIndex() + i, result.term(), batch.get(i).future());
      } else {
        batch.get(i).future().completeExceptionally(new ProposalFailedException(Reason.NOT_LEADER,
            result.leaderHint(), "node " + id + " is not the leader"));
      }
    }
  }

  private void handle(Ready rd) throws Exception {
    recordClusterId(rd.hardState().clusterId());
    dispatch(rd.messages());
    if (!rd.snapshot().isEmpty()) {
      installSnapshot(rd.snapshot());
    }
    persister.persist(rd);
    if (!rd.committed().isEmpty()) {
      metrics.committed(rd.committed().size());
      applier.apply(rd.committed());
    }
    for (ReadState rs : rd.readStates()) {
      CompletableFuture<Long> f = pendingReads.remove(rs.requestId());
      if (f == null) {
        continue;
      }
      if (rs.succeeded()) {
        applier.awaitApplied(rs.index(), f);
      } else {
        fail(f, Reason.NOT_LEADER, "node " + id + " is not a confirmed leader");
      }
    }
    core.advance(rd);
  }

  /** Sends or answers; called by the raft loop and, for acknowledgements, the log writer. */
  private void dispatch(List<RaftMessage> messages) {
    for (RaftMessage m : messages) {
      if (m.callId() != 0) {
        CompletableFuture<RaftMessage> caller = inboundCalls.remove(m.callId());
        if (caller != null) {
          caller.complete(m.withCallId(0));
        }
      } else if (m instanceof InstallSnapshot request) {
        sendSnapshot(request);
      } else {
        transport.send(m);
      }
    }
  }

  /**
   * Streams a state-machine snapshot, opened on the apply thread, to a lagging follower — one
   * transfer per follower at a time: the result of the running one answers the core's later
   * requests too, and two transfers would keep restarting each other's staging on the follower.
   * Any failure, a follower in a later term included, is reported as a failed transfer; the
   * leader learns a later term from the heartbeat answers anyway.
   */
  private void sendSnapshot(InstallSnapshot request) {
    long peer = request.to();
    if (!snapshotsInFlight.add(peer)) {
      return;
    }
    applier.openSnapshot(source -> transport.sendSnapshot(peer, request.term(), source).whenComplete((answer, err) -> {
      snapshotsInFlight.remove(peer);
      if (err == null) {
        submitResponse(answer);
      } else {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        LOG.warn("node {} failed to send a snapshot to {}: {}", id, peer, cause.getMessage());
        inbox.add((Runnable) () -> core.reportSnapshotFailed(peer));
      }
    }));
  }

  /** Ready.snapshot: the state machine takes the staged snapshot before the log records it. */
  private void installSnapshot(SnapshotMeta meta) throws Exception {
    Path staged = snapshots.claim(meta);
    applier.install(meta, staged).get();
    snapshots.installed(meta);
  }

  /** A cluster id the node just learned is recorded before the hard state carrying it is written. */
  private void recordClusterId(long clusterId) {
    if (clusterId != HardState.NO_CLUSTER && clusterId != recordedClusterId) {
      clusterIdRecorder.accept(clusterId);
      recordedClusterId = clusterId;
    }
  }

  private void publishStatus(String failure) {
    published.publish(core, applier.lastApplied(), log.sizeBytes(), failure);
  }

  /**
   * A submission that raced with shutdown (queued after the loop drained its inbox) would never be
   * answered: whoever sees the loop stopped after queueing fails what is left.
   */
  private void failQueuedIfStopped() {
    if (!running) {
      failQueued("node " + id + " is stopped");
    }
  }

  private void failQueued(String why) {
    Object item;
    while ((item = inbox.poll()) != null) {
      if (item instanceof Proposal<?> p) {
        fail(p.future(), Reason.STOPPED, why);
      } else if (item instanceof Read r) {
        fail(r.future(), Reason.STOPPED, why);
      }
    }
  }

  private void shutDownWork(Throwable failure) {
    String why = failure == null ? "node " + id + " stopped" : "node " + id + " failed: " + failure.getMessage();
    publishStatus(failure == null ? null : why);
    failQueued(why);
    pendingReads.values().forEach(f -> fail(f, Reason.STOPPED, why));
    pendingReads.clear();
    inboundCalls.values().forEach(f -> f.completeExceptionally(new IllegalStateException(why)));
    inboundCalls.clear();
    proposals.failAll(Reason.STOPPED, why);
    published.stopped();
    if (failure != null) {
      onFailure.accept(failure);
    }
  }

  private static void fail(CompletableFuture<?> future, Reason reason, String why) {
    future.completeExceptionally(new ProposalFailedException(reason, -1, why));
  }
}
