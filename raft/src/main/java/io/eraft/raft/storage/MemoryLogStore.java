package io.eraft.raft.storage;

import io.eraft.raft.core.Entry;
import io.eraft.raft.core.HardState;
import io.eraft.raft.core.SnapshotMeta;
import java.util.List;

/**
 * A {@link LogStore} held only in memory: the twin of {@link LevelDbLogStore} for tests and
 * simulations, passing the same contract tests. Nothing survives the process; {@code sync} is
 * ignored. Not thread-safe, except {@link #sizeBytes()}, which only reads one field.
 */
public final class MemoryLogStore implements LogStore {
  private final EntryCache log = new EntryCache();
  private volatile long sizeBytes;

  @Override
  public void save(HardState hardState, SnapshotMeta snapshot, List<Entry> entries, boolean sync) {
    log.validateSave(hardState, snapshot, entries);
    log.save(hardState, snapshot, entries);
    sizeBytes = log.entryBytes();
  }

  @Override
  public void compact(long index) {
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
  public long entryBytes() {
    return log.entryBytes();
  }

  @Override
  public HardState hardState() {
    return log.hardState();
  }

  @Override
  public SnapshotMeta snapshotMeta() {
    return log.snapshotMeta();
  }

  @Override
  public long firstIndex() {
    return log.firstIndex();
  }

  @Override
  public long lastIndex() {
    return log.lastIndex();
  }

  @Override
  public long term(long index) {
    return log.term(index);
  }

  @Override
  public List<Entry> entries(long lo, long hi, long maxBytes) {
    return log.entries(lo, hi, maxBytes);
  }

  @Override
  public void close() {}
}
