package io.eraft.raft.storage;

import io.eraft.raft.core.Entry;
import io.eraft.raft.core.HardState;
import io.eraft.raft.core.RaftLogReader;
import io.eraft.raft.core.SnapshotMeta;
import java.util.List;

/**
 * A node's durable Raft log: entries, hard state and the snapshot point. One thread saves to it (the
 * node's log writer: {@link #save} per batch of {@code Ready}s); the raft loop reads it through
 * {@link RaftLogReader} and compacts it at the same time. A write becomes visible to readers
 * only once it reached the disk (synced, if it asked to be). Reads are
 * thread-safe; writes must come from one thread at a time.
 *
 * <p>Any I/O failure throws {@link StorageException}: the node must stop (fail-stop), because it
 * can no longer promise what it acknowledges.
 */
public interface LogStore extends RaftLogReader, AutoCloseable {
  /**
   * Atomically: if {@code snapshot} is not empty, discard every entry and start the log after it;
   * then replace stored entries from {@code entries.get(0).index()} on with {@code entries}; then
   * record {@code hardState} unless it is {@link HardState#EMPTY}. When {@code sync} is set the
   * write is durable (fsynced) before this returns.
   *
   * @throws IllegalArgumentException (and writes nothing) if the result would not be a valid log:
   *     a gap, entries at or below the snapshot index, a term lower than the entry before it, a
   *     commit index beyond the last index, or a snapshot older than the current one
   */
  void save(HardState hardState, SnapshotMeta snapshot, List<Entry> entries, boolean sync);

  /**
   * Discards entries through {@code index}, which becomes the snapshot point with the term it has.
   * Only call with an index the state machine has durably applied. May run concurrently with
   * {@link #save} (it only touches entries below any being written) and need not be synced: a
   * compaction lost in a crash only brings back entries that were durable anyway.
   *
   * An index below {@link #firstIndex()} is already compacted: nothing happens.
   *
   * @throws IllegalArgumentException if {@code index > lastIndex()}
   */
  void compact(long index);

  /** Bytes the log occupies on disk (approximate), for status and compaction decisions. */
  long sizeBytes();

  /** Bytes of the entries currently held, counted as {@link Entry#sizeBytes()}. */
  long entryBytes();

  @Override
  void close();
}
