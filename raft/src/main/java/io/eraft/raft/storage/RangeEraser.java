package io.eraft.raft.storage;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a key range of a {@link LevelDbStateStore}'s database ({@link LevelDbStateStore#deletePrefix})
 * in batches of bounded size, then compacts the range on a thread of its own, so the disk space
 * comes back without holding up the apply thread. {@link #erase} is called on the apply thread;
 * {@link #close} waits for a compaction in progress, which holds the database open.
 */
final class RangeEraser implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RangeEraser.class);
  private static final int DELETE_BATCH_BYTES = 1 << 20;
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private final ExecutorService compactor = LevelDbStateStore.daemonThread("state-compact");
  /** The live database, retained: released by the compaction that used it. */
  private final Supplier<DbHandle> retainLive;
  private volatile boolean closed;

  RangeEraser(Supplier<DbHandle> retainLive) {
    this.retainLive = retainLive;
  }

  /** Deletes every pair of {@code h}'s database whose key starts with {@code prefix}; returns how many. */
  long erase(DbHandle h, byte[] prefix) throws IOException {
    long deleted = 0;
    try (DBIterator it = h.db.iterator()) {
      WriteBatch batch = h.db.createWriteBatch();
      try {
        long batchBytes = 0;
        for (it.seek(prefix); it.hasNext(); ) {
          byte[] key = it.next().getKey();
          if (!LevelDbStateStore.startsWith(key, prefix)) {
            break;
          }
          batch.delete(key);
          deleted++;
          batchBytes += key.length;
          if (batchBytes >= DELETE_BATCH_BYTES) {
            h.db.write(batch, new WriteOptions().sync(false));
            batch.close();
            batch = h.db.createWriteBatch();
            batchBytes = 0;
          }
        }
        h.db.write(batch, new WriteOptions().sync(false));
      } finally {
        batch.close();
      }
    }
    if (deleted > 0) {
      compactInBackground(prefix);
    }
    return deleted;
  }

  private void compactInBackground(byte[] prefix) {
    try {
      compactor.execute(() -> {
        if (closed) {
          return; // LevelDB frees the space in its own compactions
        }
        DbHandle h = retainLive.get();
        try {
          h.db.compactRange(prefix, prefixEnd(prefix));
        } catch (DBException e) {
          LOG.atWarn().addKeyValue("dir", h.dir).setCause(e).log("compacting a deleted range failed; LevelDB "
              + "frees the space in its own compactions");
        } finally {
          h.release();
        }
      });
    } catch (RejectedExecutionException e) {
      // closing: LevelDB frees the space in its own compactions
    }
  }

  /** The smallest key above every key that starts with {@code prefix} (the prefix itself if it is all 0xFF). */
  private static byte[] prefixEnd(byte[] prefix) {
    byte[] end = prefix.clone();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xFF) {
        end[i]++;
        return Arrays.copyOf(end, i + 1);
      }
    }
    return prefix;
  }

  /** Stops compacting, waiting for a compaction in progress: the next owner of the directory needs its lock. */
  @Override
  public void close() {
    closed = true;
    compactor.shutdown();
    try {
      if (!compactor.awaitTermination(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS)) {
        LOG.warn("a compaction did not finish in time; the database closes when it does");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
