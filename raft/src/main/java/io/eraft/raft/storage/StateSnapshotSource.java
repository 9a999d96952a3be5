package io.eraft.raft.storage;

import io.eraft.raft.SnapshotSource;
import io.eraft.raft.core.SnapshotMeta;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.ReadOptions;
import org.iq80.leveldb.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A point-in-time copy, streamed from a LevelDB snapshot of the database live when it was opened. */
final class StateSnapshotSource implements SnapshotSource {
  private static final Logger LOG = LoggerFactory.getLogger(StateSnapshotSource.class);

  private final DbHandle handle;
  private final SnapshotMeta meta;
  private final Snapshot snapshot;
  private final StateSnapshotStream data;
  private final AtomicBoolean closed = new AtomicBoolean();

  StateSnapshotSource(DbHandle handle, SnapshotMeta meta) {
    this.handle = handle;
    this.meta = meta;
    this.snapshot = handle.db.getSnapshot();
    DBIterator iterator = null;
    try {
      iterator = handle.db.iterator(new ReadOptions().snapshot(snapshot).fillCache(false));
      this.data = new StateSnapshotStream(iterator);
    } catch (RuntimeException e) {
      closeQuietly(iterator);
      closeQuietly(snapshot);
      throw e;
    }
  }

  @Override
  public SnapshotMeta meta() {
    return meta;
  }

  @Override
  public InputStream data() {
    return data;
  }

  /** Releases the iterator, the LevelDB snapshot and the database reference, in that order. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      closeQuietly(data);
      closeQuietly(snapshot);
    } finally {
      handle.release();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("closing part of a state snapshot failed", e);
    }
  }
}
