package io.eraft.raft.node;

import io.eraft.raft.Millis;
import io.eraft.raft.ProposalFailedException;
import io.eraft.raft.ProposalFailedException.Reason;
import io.eraft.raft.SnapshotInstallListener;
import io.eraft.raft.SnapshotSource;
import io.eraft.raft.StateMachine;
import io.eraft.raft.core.Entry;
import io.eraft.raft.core.SnapshotMeta;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apply thread ({@code raft-apply-<id>}): the only caller of the {@link StateMachine}. It
 * applies committed batches in order, completes proposals and linearizable reads, installs
 * snapshots, opens snapshots to send, and asks the raft loop to compact the log once enough was
 * applied. Tasks come from the raft loop in order; thread-safe to submit to.
 *
 * @param <R> the state machine's result type
 */
public final class Applier<R> {
  private static final Logger LOG = LoggerFactory.getLogger(Applier.class);
  /** An apply batch slower than this is logged (etcd warns at 100 ms: "apply request took too long"). */
  private static final Duration SLOW_APPLY = Duration.ofMillis(100);

  private record ReadWaiter(long index, CompletableFuture<Long> future) {}

  private final long nodeId;
  private final StateMachine<R> stateMachine;
  private final PendingProposals<R> proposals;
  private final long compactionThresholdBytes;
  private final LongConsumer requestCompaction;
  private final Consumer<Throwable> onFailure;
  private final NodeMetrics metrics;
  private final List<SnapshotInstallListener> installListeners = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  private final PriorityQueue<ReadWaiter> readWaiters =
      new PriorityQueue<>((a, b) -> Long.compare(a.index(), b.index()));
  private final Thread thread;
  /** Futures handed out and not yet completed; failed if the thread ends first. */
  private final Set<CompletableFuture<?>> outstanding = ConcurrentHashMap.newKeySet();
  private volatile long lastApplied;
  private volatile boolean stopped;
  private volatile boolean ended;
  private long bytesSinceCompaction;
  private final SlowOperations slowApplies =
      new SlowOperations(LOG, "apply request took too long (slow disk or an overloaded machine)", SLOW_APPLY);

  /**
   * @param requestCompaction called (on this thread) with the state machine's durable index when
   *     the log has grown by {@code compactionThresholdBytes} since the last request
   * @param onFailure called once if the state machine throws; the node must stop
   */
  public Applier(long nodeId, StateMachine<R> stateMachine, PendingProposals<R> proposals,
      long compactionThresholdBytes, LongConsumer requestCompaction, Consumer<Throwable> onFailure,
      NodeMetrics metrics) {
    this.nodeId = nodeId;
    this.stateMachine = stateMachine;
    this.proposals = proposals;
    this.compactionThresholdBytes = compactionThresholdBytes;
    this.requestCompaction = requestCompaction;
    this.onFailure = onFailure;
    this.metrics = metrics;
    this.lastApplied = stateMachine.applied().index();
    this.thread = new Thread(this::run, "raft-apply-" + nodeId);
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Adds a listener told of each snapshot installation (from any thread). */
  void addInstallListener(SnapshotInstallListener listener) {
    installListeners.add(listener);
  }

  public long lastApplied() {
    return lastApplied;
  }

  void apply(List<Entry> entries) {
    tasks.add(() -> applyNow(entries));
  }

  /** Completes {@code future} with {@code index} once everything through it is applied. */
  void awaitApplied(long index, CompletableFuture<Long> future) {
    submit(future, () -> {
      readWaiters.add(new ReadWaiter(index, future));
      releaseReads();
    });
  }

  /** Replaces the state with the snapshot staged at {@code staged}; completes once durable. */
  CompletableFuture<Void> install(SnapshotMeta meta, Path staged) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    submit(done, () -> {
      LOG.atInfo().addKeyValue("index", meta.index()).addKeyValue("term", meta.term())
          .addKeyValue("bytes", staged.toFile().length()).addKeyValue("appliedIndex", lastApplied)
          .log("installing a snapshot from the leader");
      tellInstall(true, meta.index());
      long start = System.nanoTime();
      try (InputStream in = Files.newInputStream(staged)) {
        stateMachine.installSnapshot(meta, in);
      } catch (IOException e) {
        throw new IllegalStateException("node " + nodeId + " could not install snapshot " + meta + " from " + staged, e);
      } finally {
        tellInstall(false, meta.index());
      }
      long took = System.nanoTime() - start;
      metrics.snapshotInstalled(took);
      LOG.atInfo().addKeyValue("index", meta.index()).addKeyValue("tookMs", Millis.of(took))
          .log("installed the snapshot");
      lastApplied = meta.index();
      proposals.failThrough(meta.index(), Reason.OUTCOME_UNKNOWN,
          "the node installed a snapshot through index " + meta.index() + "; retry (deduplicated)");
      releaseReads();
      done.complete(null);
    });
    return done;
  }

  private void tellInstall(boolean installing, long index) {
    for (SnapshotInstallListener listener : installListeners) {
      try {
        listener.snapshotInstall(installing, index);
      } catch (RuntimeException e) {
        LOG.warn("a snapshot install listener failed", e);
      }
    }
  }

  /** Queues a task whose {@code future} must complete even if this thread ends first. */
  private void submit(CompletableFuture<?> future, Runnable task) {
    outstanding.add(future);
    future.whenComplete((r, e) -> outstanding.remove(future));
    tasks.add(task);
    if (ended) {
      failOutstanding();
    }
  }

  private void failOutstanding() {
    for (CompletableFuture<?> f : outstanding) {
      f.completeExceptionally(new ProposalFailedException(Reason.STOPPED, -1, "node " + nodeId + " stopped"));
    }
  }

  /** Opens a point-in-time snapshot on this thread and hands it to {@code consumer}. */
  void openSnapshot(Consumer<SnapshotSource> consumer) {
    tasks.add(() -> consumer.accept(stateMachine.openSnapshot()));
  }

  /** Stops after the tasks already queued; waits for the thread to end. */
  void stop() throws InterruptedException {
    tasks.add(() -> stopped = true);
    thread.join();
  }

  private void run() {
    try {
      while (!stopped) {
        tasks.take().run();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      LOG.error("node {} apply thread failed; the node stops", nodeId, t);
      onFailure.accept(t);
    } finally {
      ended = true;
      failOutstanding(); // read waits and snapshot installs, queued or waiting
      readWaiters.clear();
    }
  }

  private void applyNow(List<Entry> entries) {
    long start = System.nanoTime();
    List<R> results = stateMachine.apply(entries);
    long took = System.nanoTime() - start;
    metrics.applied(took);
    slowApplies.took(took, warning -> warning.addKeyValue("entries", entries.size())
        .addKeyValue("firstIndex", entries.get(0).index()));
    if (results.size() != entries.size()) {
      throw new IllegalStateException("state machine returned " + results.size() + " results for "
          + entries.size() + " entries");
    }
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      proposals.applied(e, results.get(i));
      bytesSinceCompaction += e.sizeBytes();
    }
    lastApplied = entries.get(entries.size() - 1).index();
    releaseReads();
    if (bytesSinceCompaction >= compactionThresholdBytes) {
      bytesSinceCompaction = 0;
      requestCompaction.accept(stateMachine.applied().index());
    }
  }

  private void releaseReads() {
    while (!readWaiters.isEmpty() && readWaiters.peek().index() <= lastApplied) {
      ReadWaiter w = readWaiters.poll();
      w.future().complete(w.index());
    }
  }
}
