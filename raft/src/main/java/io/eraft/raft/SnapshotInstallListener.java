package io.eraft.raft;

/**
 * Told when a node starts and ends replacing its state with a snapshot from the leader, during
 * which it serves nothing from its state machine (a replica's gRPC health reads NOT_SERVING).
 */
public interface SnapshotInstallListener {
  /**
   * The node began installing a snapshot through {@code index} ({@code installing}) or finished,
   * successfully or not. Called on the apply thread, in order: it must return quickly. An
   * exception it throws is logged and otherwise ignored.
   */
  void snapshotInstall(boolean installing, long index);
}
