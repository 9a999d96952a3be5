package io.eraft.raft.node;

import io.eraft.raft.core.Entry;
import io.eraft.raft.core.HardState;
import io.eraft.raft.core.Ready;
import io.eraft.raft.core.SnapshotMeta;
import io.eraft.raft.storage.LogStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log writer thread ({@code raft-wal-<id>}): the only writer of the {@link LogStore}, so the
 * raft loop never waits for a disk. It takes every Ready queued since its last fsync and folds the Readies into one LevelDB write, synced once: group
 * commit across loop iterations. Then it hands the
 * now-durable Readies back, in order, so their acknowledgements are released and the core told.
 * Thread-safe to submit to.
 */
final class LogWriter {
  private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);
  /** etcd warns of a WAL fsync over 1 s ("slow fdatasync"). */
  private static final Duration SLOW_SYNC = Duration.ofSeconds(1);

  private final long nodeId;
  private final LogStore log;
  private final NodeMetrics metrics;
  private final Consumer<List<Ready>> onDurable;
  private final Consumer<Throwable> onFailure;
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final SlowOperations slowSyncs = new SlowOperations(LOG, "slow fdatasync of the raft log", SLOW_SYNC);
  private volatile boolean stopped;

  /**
   * @param onDurable called on this thread with Readies whose writes are durable, in order
   * @param onFailure called once if a write fails; the node must stop
   */
  LogWriter(long nodeId, LogStore log, NodeMetrics metrics, Consumer<List<Ready>> onDurable,
      Consumer<Throwable> onFailure) {
    this.nodeId = nodeId;
    this.log = log;
    this.metrics = metrics;
    this.onDurable = onDurable;
    this.onFailure = onFailure;
    this.thread = new Thread(this::run, "raft-wal-" + nodeId);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void write(Ready rd) {
    queue.add(rd);
  }

  /** Finishes the writes already queued, then stops; waits for the thread to end. */
  void stop() throws InterruptedException {
    queue.add((Runnable) () -> stopped = true);
    thread.join();
  }

  private void run() {
    List<Object> batch = new ArrayList<>();
    try {
      while (!stopped) {
        batch.add(queue.take());
        queue.drainTo(batch);
        writeAll(batch);
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      LOG.error("node {} failed to write its raft log; the node stops", nodeId, t);
      onFailure.accept(t);
    }
  }

  /**
   * Writes a batch as few LevelDB writes as possible — one, unless a snapshot splits it — each
   * synced when any Ready in it must be. Not one write per Ready with only the
   * last synced: when LevelDB switches log files between writes it does not sync the old file, so
   * a later sync would not cover the earlier writes.
   */
  private void writeAll(List<Object> batch) {
    List<Ready> written = new ArrayList<>();
    MergedWrite group = new MergedWrite();
    for (Object item : batch) {
      if (item instanceof Ready rd) {
        if (!rd.snapshot().isEmpty()) {
          flush(group);
          group = new MergedWrite();
        }
        group.add(rd);
        written.add(rd);
      } else {
        flush(group);
        group = new MergedWrite();
        ((Runnable) item).run();
      }
    }
    flush(group);
    if (!written.isEmpty()) {
      onDurable.accept(written);
    }
  }

  private void flush(MergedWrite group) {
    if (group.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    log.save(group.hardState, group.snapshot, group.entries, group.sync);
    if (group.sync) {
      long took = System.nanoTime() - start;
      metrics.synced(took);
      slowSyncs.took(took, warning -> warning.addKeyValue("entries", group.entries.size()));
    }
    long bytes = 0;
    for (Entry e : group.entries) {
      bytes += e.sizeBytes();
    }
    metrics.wrote(bytes);
  }

  /** Consecutive Readies folded into the one write that leaves the log as writing each would. */
  private static final class MergedWrite {
    private HardState hardState = HardState.EMPTY;
    private SnapshotMeta snapshot = SnapshotMeta.EMPTY;
    private final List<Entry> entries = new ArrayList<>();
    private boolean sync;
    private boolean empty = true;

    void add(Ready rd) {
      empty = false;
      if (!rd.snapshot().isEmpty()) {
        snapshot = rd.snapshot();
      }
      if (!rd.hardState().isEmpty()) {
        hardState = rd.hardState();
      }
      if (!rd.entries().isEmpty()) {
        long first = rd.entries().get(0).index();
        entries.removeIf(e -> e.index() >= first); // a later Ready replaced this suffix
        entries.addAll(rd.entries());
      }
      sync |= rd.mustSync();
    }

    boolean isEmpty() {
      return empty;
    }
  }
}
