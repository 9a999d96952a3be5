package io.eraft.raft.node;

import io.eraft.raft.core.Entry;
import io.eraft.raft.core.Ready;
import io.eraft.raft.storage.LogStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log writer thread ({@code raft-wal-<id>}): the only writer of the {@link LogStore}, so the
 * raft loop never waits for a disk. It takes every write queued since its last fsync — Readies
 * and compactions, in order — writes all of them and syncs once (a synced LevelDB write makes the
 * earlier unsynced ones durable too): group commit across loop iterations. Then it hands the
 * now-durable Readies back, in order, so their acknowledgements are released and the core told.
 * Thread-safe to submit to.
 */
final class LogWriter {
  private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);

  private record Compaction(long index) {}

  private final long nodeId;
  private final LogStore log;
  private final NodeMetrics metrics;
  private final Consumer<List<Ready>> onDurable;
  private final Consumer<Throwable> onFailure;
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
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

  /** Compacts the log through {@code index} after every write queued before it. */
  void compact(long index) {
    queue.add(new Compaction(index));
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

  private void writeAll(List<Object> batch) {
    List<Ready> written = new ArrayList<>();
    int lastWrite = -1;
    boolean mustSync = false;
    for (int i = 0; i < batch.size(); i++) {
      if (batch.get(i) instanceof Ready rd) {
        lastWrite = i;
        mustSync |= rd.mustSync();
      }
    }
    long start = System.nanoTime();
    long bytes = 0;
    for (int i = 0; i < batch.size(); i++) {
      Object item = batch.get(i);
      if (item instanceof Ready rd) {
        log.save(rd.hardState(), rd.snapshot(), rd.entries(), mustSync && i == lastWrite);
        written.add(rd);
        for (Entry e : rd.entries()) {
          bytes += e.sizeBytes();
        }
      } else if (item instanceof Compaction c) {
        compactNow(c.index());
      } else {
        ((Runnable) item).run();
      }
    }
    if (mustSync) {
      metrics.synced(System.nanoTime() - start);
    }
    metrics.wrote(bytes);
    if (!written.isEmpty()) {
      onDurable.accept(written);
    }
  }

  private void compactNow(long index) {
    if (index > log.snapshotMeta().index() && index <= log.lastIndex()) {
      log.compact(index);
      LOG.debug("node {} compacted its log through {}", nodeId, index);
    }
  }
}
