package io.eraft.raft.core;

import java.util.List;

/**
 * Read access to the durable log, as the core needs it (the etcd {@code Storage} shape). The core
 * never writes storage: its driver persists what {@link Ready} hands out. Implementations are read
 * only from the thread that owns the core.
 *
 * <p>The log holds entries {@code firstIndex()..lastIndex()}; everything up to
 * {@code snapshotMeta().index() == firstIndex() - 1} has been compacted into a snapshot.
 */
public interface RaftLogReader {
  /** Term reported for an index outside {@code [firstIndex() - 1, lastIndex()]}. */
  long UNKNOWN_TERM = -1;

  HardState hardState();

  SnapshotMeta snapshotMeta();

  long firstIndex();

  long lastIndex();

  /**
   * The term of the entry at {@code index}; the snapshot's term at {@code firstIndex() - 1};
   * {@link #UNKNOWN_TERM} if compacted away or beyond the end.
   */
  long term(long index);

  /**
   * Entries {@code [lo, hi)}: the longest prefix whose {@link Entry#sizeBytes()} sum stays within
   * {@code maxBytes}, but always at least one entry when {@code lo < hi}. Requires {@code firstIndex() <= lo <= hi <= lastIndex() + 1}.
   */
  List<Entry> entries(long lo, long hi, long maxBytes);
}
