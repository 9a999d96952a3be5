package io.eraft.raft.storage;

import java.io.IOException;
import java.nio.file.Path;
import org.iq80.leveldb.DB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One LevelDB database directory, closed (and, once retired, deleted) when its last user releases it. */
final class DbHandle {
  private static final Logger LOG = LoggerFactory.getLogger(DbHandle.class);

  final Path dir;
  final DB db;
  private int refs = 1;
  private boolean retired;

  DbHandle(Path dir, DB db) {
    this.dir = dir;
    this.db = db;
  }

  synchronized boolean retain() {
    if (refs == 0) {
      return false;
    }
    refs++;
    return true;
  }

  /** Drops the owner's reference and deletes the directory once closed. */
  void retire() {
    synchronized (this) {
      retired = true;
    }
    release();
  }

  void release() {
    boolean deleteAfterClose;
    synchronized (this) {
      if (refs <= 0) {
        throw new IllegalStateException("state machine database in " + dir + " released more often than retained");
      }
      if (--refs > 0) {
        return;
      }
      deleteAfterClose = retired;
    }
    try {
      db.close();
    } catch (IOException e) {
      LOG.warn("closing the state machine database in {} failed", dir, e);
    }
    if (deleteAfterClose) {
      LevelDbDirectory.deleteRecursively(dir);
    }
  }
}
