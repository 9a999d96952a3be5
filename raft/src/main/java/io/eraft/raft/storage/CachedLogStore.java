package io.eraft.raft.storage;

import io.eraft.raft.core.Entry;
import io.eraft.raft.core.HardState;
import io.eraft.raft.core.SnapshotMeta;
import java.util.List;

/**
 * What both log stores share: every read is served from the in-memory {@link EntryCache}, which
 * holds the whole log since the last compaction. Subclasses decide how a write reaches durable
 * storage before it reaches the cache.
 */
abstract class CachedLogStore implements LogStore {
  protected final EntryCache log;

  protected CachedLogStore(EntryCache log) {
    this.log = log;
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
}
