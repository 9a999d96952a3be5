package io.eraft.raft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Entries (and possibly an incoming snapshot) the core has accepted but the driver has not yet
 * persisted. Thread-confined to the raft loop.
 *
 * <p>Invariants: {@code entries.get(i).index() == offset + i}; if {@code snapshot} is set,
 * {@code offset == snapshot.index() + 1}.
 */
final class Unstable {
  private SnapshotMeta snapshot;
  private final List<Entry> entries = new ArrayList<>();
  private long offset;

  Unstable(long offset) {
    this.offset = offset;
  }

  SnapshotMeta snapshot() {
    return snapshot;
  }

  long offset() {
    return offset;
  }

  boolean hasEntries() {
    return !entries.isEmpty();
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

  List<Entry> entries() {
    return List.copyOf(entries);
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
  }

  void stableSnapTo(long index) {
    if (snapshot != null && snapshot.index() == index) {
      snapshot = null;
    }
  }

  void restore(SnapshotMeta meta) {
    entries.clear();
    offset = meta.index() + 1;
    snapshot = meta;
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
      entries.clear();
      entries.addAll(ents);
    } else {
      entries.subList((int) (after - offset), entries.size()).clear();
      entries.addAll(ents);
    }
  }
}
