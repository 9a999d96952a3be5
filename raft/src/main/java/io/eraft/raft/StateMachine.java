package io.eraft.raft;

import io.eraft.raft.core.Entry;
import io.eraft.raft.core.SnapshotMeta;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The replicated application (hashicorp's FSM shape). The node calls every method on its apply
 * thread ({@code raft-apply-<id>}), never concurrently with each other; a {@link SnapshotSource}
 * it returns is read on another thread while {@link #apply} continues.
 *
 * @param <R> what applying one command returns to the client that proposed it
 */
public interface StateMachine<R> {
  /**
   * Applies consecutive committed entries, in index order. No-op entries ({@link Entry#isNoop()})
   * change nothing but are applied too. The effects and the new applied index must become visible
   * together (one atomic write), so that after a crash an entry is applied either fully or not at
   * all; the write need not be synced. Returns one result per entry ({@code null} for no-ops).
   */
  List<R> apply(List<Entry> entries);

  /**
   * Index and term of the last entry whose effects survive a crash; the log is never compacted
   * past it. May sync to make more durable. At startup, where the node resumes applying (and, if a
   * crash came between installing a snapshot here and recording it in the log, where the log
   * restarts).
   */
  SnapshotMeta applied();

  /** A point-in-time copy of the whole state, tagged with the index and term it reflects. */
  SnapshotSource openSnapshot();

  /**
   * Replaces the whole state with {@code data} (produced by another replica's
   * {@link SnapshotSource}) atomically: after a crash the state is either entirely the old one or
   * entirely the new one, whose applied index is {@code meta.index()}.
   */
  void installSnapshot(SnapshotMeta meta, InputStream data) throws IOException;
}
