package io.eraft.raft.storage;

import io.eraft.raft.core.Entry;
import io.eraft.raft.core.HardState;
import io.eraft.raft.core.SnapshotMeta;
import java.util.List;

/**
 * A {@link LogStore} held only in memory: the twin of {@link LevelDbLogStore} for tests and
 * simulations, passing the same contract tests. Nothing survives the process; {@code sync} is
 * ignored. Thread-safe as {@link LogStore} requires: reads from any thread, one writer.
 */
public final class MemoryLogStore extends CachedLogStore {
  private volatile long sizeBytes;

  public MemoryLogStore() {
    super(new EntryCache());
  }

  @Override
  public synchronized void save(HardState hardState, SnapshotMeta snapshot, List<Entry> entries, boolean sync) {
    log.validateSave(hardState, snapshot, entries);
    log.save(hardState, snapshot, entries);
    sizeBytes = log.entryBytes();
  }

  @Override
  public synchronized void compact(long index) {
    if (index < log.firstIndex()) {
      return; // a snapshot installed meanwhile already dropped these entries
    }
    log.validateCompact(index);
    log.compact(index);
    sizeBytes = log.entryBytes();
  }

  /** The bytes of the held entries: memory stands in for the disk. */
  @Override
  public long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public void close() {}
}
