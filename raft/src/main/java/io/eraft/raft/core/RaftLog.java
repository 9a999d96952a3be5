package io.eraft.raft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The log as the core sees it: durable entries read through {@link RaftLogReader}, followed by
 * {@link Unstable} ones, plus the commit and applied marks. Thread-confined to the raft loop.
 *
 * <p>Invariants: {@code firstIndex() - 1 <= applied <= committed <= lastIndex()}, where
 * {@code applied} is the highest index already handed to the application.
 */
final class RaftLog {
  private final RaftLogReader storage;
  private final Unstable unstable;
  private long committed;
  private long applied;

  RaftLog(RaftLogReader storage, long applied) {
    this.storage = storage;
    this.unstable = new Unstable(storage.lastIndex() + 1);
    long snapshotIndex = storage.firstIndex() - 1;
    this.applied = Math.max(applied, snapshotIndex);
    // Whatever the application applied was committed, even if that commit index was never synced.
    this.committed = Math.max(storage.hardState().commit(), this.applied);
    if (committed > lastIndex()) {
      throw new IllegalStateException("commit index " + committed + " is beyond the last log index "
          + lastIndex() + ": the log lost entries the state machine already applied");
    }
  }

  long committed() {
    return committed;
  }

  long applied() {
    return applied;
  }

  long firstIndex() {
    long i = unstable.maybeFirstIndex();
    return i >= 0 ? i : storage.firstIndex();
  }

  long lastIndex() {
    long i = unstable.maybeLastIndex();
    return i >= 0 ? i : storage.lastIndex();
  }

  /** Highest index the driver has confirmed durable (everything below the unstable part). */
  long lastStableIndex() {
    return unstable.offset() - 1;
  }

  long term(long index) {
    long dummy = firstIndex() - 1;
    if (index < dummy || index > lastIndex()) {
      return RaftLogReader.UNKNOWN_TERM;
    }
    long t = unstable.maybeTerm(index);
    return t != RaftLogReader.UNKNOWN_TERM ? t : storage.term(index);
  }

  long lastTerm() {
    return term(lastIndex());
  }

  boolean matchTerm(long index, long term) {
    long t = term(index);
    return t != RaftLogReader.UNKNOWN_TERM && t == term;
  }

  /** Figure 2's up-to-date rule for granting votes. */
  boolean isUpToDate(long lastIndex, long lastTerm) {
    long myTerm = lastTerm();
    return lastTerm > myTerm || (lastTerm == myTerm && lastIndex >= lastIndex());
  }

  /**
   * Handles the log part of AppendEntries. Returns the index of the last new entry, or -1 if the
   * log does not contain {@code prevIndex} at {@code prevTerm}.
   */
  long maybeAppend(long prevIndex, long prevTerm, long leaderCommit, List<Entry> ents) {
    if (!matchTerm(prevIndex, prevTerm)) {
      return -1;
    }
    long lastNew = prevIndex + ents.size();
    long conflict = findConflict(ents);
    if (conflict != 0) {
      if (conflict <= committed) {
        throw new IllegalStateException("entry " + conflict + " conflicts with committed entry (committed "
            + committed + ")");
      }
      append(ents.subList((int) (conflict - ents.get(0).index()), ents.size()));
    }
    // Figure 2: commit up to min(leaderCommit, index of last new entry), never beyond what this
    // message proved matches the leader.
    commitTo(Math.min(leaderCommit, lastNew));
    return lastNew;
  }

  /** Index of the first entry whose term differs from ours (or that we lack), or 0 if none. */
  private long findConflict(List<Entry> ents) {
    for (Entry e : ents) {
      if (!matchTerm(e.index(), e.term())) {
        return e.index();
      }
    }
    return 0;
  }

  /** Highest index {@code <= index} whose term is {@code <= term}, or the first index - 1. */
  long lastIndexWithTermAtMost(long index, long term) {
    long i = Math.min(index, lastIndex());
    long floor = firstIndex() - 1;
    while (i > floor) {
      long t = term(i);
      if (t != RaftLogReader.UNKNOWN_TERM && t <= term) {
        return i;
      }
      i--;
    }
    return floor;
  }

  long append(List<Entry> ents) {
    if (ents.isEmpty()) {
      return lastIndex();
    }
    long after = ents.get(0).index() - 1;
    if (after < committed) {
      throw new IllegalStateException("append after " + after + " would overwrite committed " + committed);
    }
    unstable.truncateAndAppend(ents);
    return lastIndex();
  }

  /**
   * Entries from {@code lo} to the end, capped at {@code maxBytes} (at least one entry). Requires
   * {@code lo >= firstIndex()}.
   */
  List<Entry> entriesFrom(long lo, long maxBytes) {
    return slice(lo, lastIndex() + 1, maxBytes);
  }

  private List<Entry> slice(long lo, long hi, long maxBytes) {
    if (lo >= hi) {
      return List.of();
    }
    if (lo < firstIndex()) {
      throw new IllegalStateException("slice from " + lo + " below first index " + firstIndex());
    }
    long offset = unstable.offset();
    List<Entry> out;
    if (lo < offset) {
      out = new ArrayList<>(storage.entries(lo, Math.min(hi, offset), maxBytes));
      if (hi <= offset || out.size() < Math.min(hi, offset) - lo) {
        return out;
      }
    } else {
      out = new ArrayList<>();
    }
    long bytes = 0;
    for (Entry e : out) {
      bytes += e.sizeBytes();
    }
    for (Entry e : unstable.slice(Math.max(lo, offset), hi)) {
      if (!out.isEmpty() && bytes + e.sizeBytes() > maxBytes) {
        break;
      }
      bytes += e.sizeBytes();
      out.add(e);
    }
    return out;
  }

  void commitTo(long index) {
    if (index > committed) {
      if (index > lastIndex()) {
        throw new IllegalStateException("commit " + index + " is beyond last index " + lastIndex());
      }
      committed = index;
    }
  }

  /**
   * Committed entries are handed to the application only once they are durable here too, so the
   * state machine never gets ahead of what this node's log would hold after a crash.
   */
  private long applicable() {
    return Math.min(committed, lastStableIndex());
  }

  boolean hasNextCommittedEntries() {
    return unstable.snapshot() == null && applicable() > applied;
  }

  List<Entry> nextCommittedEntries(long maxBytes) {
    if (!hasNextCommittedEntries()) {
      return List.of();
    }
    return slice(applied + 1, applicable() + 1, maxBytes);
  }

  void appliedTo(long index) {
    if (index < applied || index > committed) {
      throw new IllegalStateException("applied " + index + " out of range [" + applied + ", " + committed + "]");
    }
    applied = index;
  }

  /** Entries not yet handed out for persisting. */
  List<Entry> unpersistedEntries() {
    return unstable.unhandedEntries();
  }

  /** An incoming snapshot not yet handed out for persisting, or EMPTY. */
  SnapshotMeta unpersistedSnapshot() {
    SnapshotMeta s = unstable.unhandedSnapshot();
    return s == null ? SnapshotMeta.EMPTY : s;
  }

  boolean hasUnpersisted() {
    return unstable.hasUnhanded();
  }

  /** Everything from {@link #unpersistedEntries()} and the snapshot is now being persisted. */
  void acceptInProgress() {
    unstable.acceptInProgress();
  }

  void stableTo(long index, long term) {
    unstable.stableTo(index, term);
  }

  /** The snapshot handed out in a Ready has been installed and persisted. */
  void snapshotInstalled(SnapshotMeta meta) {
    unstable.stableSnapTo(meta.index());
    if (meta.index() > applied) {
      applied = meta.index();
    }
  }

  /** Replaces the whole log with an incoming snapshot (the log did not contain its last entry). */
  void restore(SnapshotMeta meta) {
    committed = meta.index();
    unstable.restore(meta);
  }

  /** The snapshot the log currently starts after (durable or just restored). */
  SnapshotMeta snapshotMeta() {
    SnapshotMeta pending = unstable.snapshot();
    return pending != null ? pending : storage.snapshotMeta();
  }
}
