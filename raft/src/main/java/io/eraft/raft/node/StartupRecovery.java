package io.eraft.raft.node;

import io.eraft.raft.core.HardState;
import io.eraft.raft.core.SnapshotMeta;
import io.eraft.raft.storage.LogStore;
import io.eraft.raft.storage.StorageException;
import java.util.List;

/**
 * Brings a node's log and state machine into agreement before its core starts. A snapshot is
 * installed into the state machine first and recorded in the log second; a crash between the two
 * leaves a state machine ahead of its log, and the log then restarts right after the state
 * machine's point (the entries it held there were either covered by the snapshot or never
 * committed). A state machine behind the log's compaction point cannot be repaired: the entries it
 * lacks are gone.
 */
public final class StartupRecovery {
  private StartupRecovery() {}

  /**
   * @param applied index and term of the state machine's last durably applied entry
   * @throws StorageException if the state machine is older than the log's snapshot point
   */
  public static void alignLog(LogStore log, SnapshotMeta applied) {
    SnapshotMeta logSnapshot = log.snapshotMeta();
    if (applied.index() < logSnapshot.index()) {
      throw new StorageException("state machine has applied only through index " + applied.index()
          + " but the raft log was compacted through " + logSnapshot.index()
          + ": the data directory is inconsistent; " + StorageException.RESTORE_HINT);
    }
    boolean logLacksApplied = applied.index() > log.lastIndex()
        || (applied.index() >= log.firstIndex() && log.term(applied.index()) != applied.term());
    if (logLacksApplied) {
      HardState hs = log.hardState();
      // A term is never older than the entries a node holds; raising it (and forgetting the vote
      // of the older term) is always safe. A log that never recorded a hard state belongs to a node
      // that received this snapshot while it had no state of its own (it was recovering, or about
      // to find out it must): it stays recovering, or its restart would make it a voter.
      boolean recovering = hs.recovering() || hs.isEmpty();
      HardState aligned = applied.term() > hs.term()
          ? new HardState(applied.term(), HardState.NO_VOTE, applied.index(), recovering, hs.clusterId())
          : new HardState(hs.term(), hs.votedFor(), Math.max(hs.commit(), applied.index()), recovering, hs.clusterId());
      log.save(aligned, applied, List.of(), true);
    }
  }
}
