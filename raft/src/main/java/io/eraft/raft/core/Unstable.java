package io.eraft.raft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Entries (and possibly an incoming snapshot) the core has accepted but the driver has not yet
 * persisted. Thread-confined to the raft loop.
 *
 * <p>Entries below {@code offsetInProgress} (and the snapshot, once {@code snapshotInProgress}) have
 * been handed to the driver for persisting but are not yet durable: they stay here, readable, until
 * {@link #stableTo} confirms them, and are not handed out again.
 *
 * <p>Invariants: {@code entries.get(i).index() == offset + i}; if {@code snapshot} is set,
 * {@code offset == snapshot.index() + 1}; {@code offset <= offsetInProgress <= lastIndex + 1}.
 */
final class Unstable {
  private SnapshotMeta snapshot;
  private final List<Entry> entries = new ArrayList<>();
  private long offset;
  private long offsetInProgress;
  private boolean snapshotInProgress;

  Unstable(long offset) {
    this.offset = offset;
    this.offsetInProgress = offset;
  }

  SnapshotMeta snapshot() {
    return snapshot;
  }

  long offset() {
    return offset;
  }

  /** Whether anything waits to be handed out for persisting. */
  boolean hasUnhanded() {
    return offsetInProgress < offset + entries.size() || (snapshot != null && !snapshotInProgress);
  }

  /** Entries not yet handed out for persisting. */
  List<Entry> unhandedEntries() {
    return List.copyOf(entries.subList((int) (offsetInProgress - offset), entries.size()));
  }

  /** The snapshot, if it is not yet handed out for persisting; else null. */
  SnapshotMeta unhandedSnapshot() {
    return snapshotInProgress ? null : snapshot;
  }

  /** Everything held has been handed out for persisting. */
  void acceptInProgress() {
    offsetInProgress = offset + entries.size();
    snapshotInProgress = snapshot != null;
  }

  /** Index of the first entry this holds or covers via a snapshot, or -1. */
  long maybeFirstIndex() {
    return snapshot == null ? -1 : snapshot.index() + 1;
  }

  /** Index of the last entry this holds or covers via a snapshot, or -1. */
  long maybeLastIndex() {
    if (!entries.isEmpty()) {
      return offset + entries.size() - 1;
    }
    return snapshot == null ? -1 : snapshot.index();
  }

  /** Term at {@code index} if this knows it, else {@link RaftLogReader#UNKNOWN_TERM}. */
  long maybeTerm(long index) {
    if (index < offset) {
      return snapshot != null && snapshot.index() == index ? snapshot.term() : RaftLogReader.UNKNOWN_TERM;
    }
    long last = maybeLastIndex();
    if (last < 0 || index > last) {
      return RaftLogReader.UNKNOWN_TERM;
    }
    return entries.get((int) (index - offset)).term();
  }

  /** Entries {@code [lo, hi)}; both must lie within what this holds. */
  List<Entry> slice(long lo, long hi) {
    return entries.subList((int) (lo - offset), (int) (hi - offset));
  }

  /** The entries through {@code (index, term)} are now durable; forget them. */
  void stableTo(long index, long term) {
    long t = maybeTerm(index);
    if (t != term || index < offset) {
      return; // replaced by a newer append since the Ready was produced
    }
    entries.subList(0, (int) (index + 1 - offset)).clear();
    offset = index + 1;
    offsetInProgress = Math.max(offsetInProgress, offset);
  }

  void stableSnapTo(long index) {
    if (snapshot != null && snapshot.index() == index) {
      snapshot = null;
      snapshotInProgress = false;
    }
  }

  void restore(SnapshotMeta meta) {
    entries.clear();
    offset = meta.index() + 1;
    offsetInProgress = offset;
    snapshot = meta;
    snapshotInProgress = false;
  }

  /**
   * Appends {@code ents}, first dropping any held entry at or after {@code ents.get(0).index()}.
   * If that index lies below {@link #offset()}, the conflicting suffix is in storage; the driver
   * replaces it when it persists these entries.
   */
  void truncateAndAppend(List<Entry> ents) {
    long after = ents.get(0).index();
    if (after == offset + entries.size()) {
      entries.addAll(ents);
    } else if (after <= offset) {
      offset = after;
      offsetInProgress = after;
      entries.clear();
      entries.addAll(ents);
    } else {
      entries.subList((int) (after - offset), entries.size()).clear();
      entries.addAll(ents);
      offsetInProgress = Math.min(offsetInProgress, after);
    }
  }
}
