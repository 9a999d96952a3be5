package io.eraft.raft.sim;

import com.google.protobuf.ByteString;
import io.eraft.raft.core.RaftCore;
import io.eraft.raft.core.SnapshotMeta;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One simulated server: a {@link RaftCore} (absent while crashed), its {@link SimStorage}, and a
 * tiny state machine that records what it applied. Owned by {@link SimCluster}.
 */
final class SimNode {
  final int id;
  SimStorage storage = new SimStorage();
  RaftCore core;
  int incarnation;
  boolean connected = true;
  /** The driver is waiting for an fsync; inputs queue up meanwhile, as on the real raft loop. */
  boolean persisting;
  boolean wakeupScheduled;
  /** Writes handed to the (simulated) log writer and not yet durable, and when the last one ends. */
  int pendingWrites;
  long lastWriteDoneAt;
  final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
  /** Requests delivered to this incarnation and not yet answered (the core must answer each). */
  final Set<Long> unanswered = new HashSet<>();

  /** The state machine: applied commands by index, and its durable point (a snapshot). */
  final Map<Long, ByteString> appliedCommands = new HashMap<>();
  long lastApplied;
  long lastAppliedTerm;
  SnapshotMeta durableState = SnapshotMeta.EMPTY;
  /** A snapshot received from a leader and not yet installed. */
  SnapshotMeta staged;

  SimNode(int id) {
    this.id = id;
  }

  boolean isUp() {
    return core != null;
  }

  void crash() {
    core = null;
    incarnation++;
    persisting = false;
    wakeupScheduled = false;
    pendingWrites = 0;
    deferred.clear();
    unanswered.clear();
    staged = null;
    storage.crash();
    lastApplied = durableState.index();
    lastAppliedTerm = durableState.term();
  }

  /** After {@link #crash()}: the disk is replaced by an empty one (Raft log and state machine). */
  void loseDisk() {
    storage = new SimStorage();
    durableState = SnapshotMeta.EMPTY;
    appliedCommands.clear();
    lastApplied = 0;
    lastAppliedTerm = 0;
  }
}
