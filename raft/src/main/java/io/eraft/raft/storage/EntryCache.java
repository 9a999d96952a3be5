package io.eraft.raft.storage;

import io.eraft.raft.core.Entry;
import io.eraft.raft.core.HardState;
import io.eraft.raft.core.RaftLogReader;
import io.eraft.raft.core.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole log in memory: snapshot point, hard state and the entries after the snapshot. It is
 * {@link MemoryLogStore} itself and the read cache of {@link LevelDbLogStore}, so both follow one
 * set of rules.
 *
 * <p>Invariants: {@code entries.get(i).index() == snapshot.index() + 1 + i}; terms never decrease
 * and start at or above the snapshot term; {@code hardState.commit() <= lastIndex()}. Each
 * mutation has a {@code validateX} twin so a durable store can reject a write before it reaches
 * disk, then apply it here once it has. Thread-safe: the raft loop reads while the log writer
 * thread writes, and each method sees a consistent log.
 */
final class EntryCache implements RaftLogReader {
  private SnapshotMeta snapshot = SnapshotMeta.EMPTY;
  private HardState hardState = HardState.EMPTY;
  private final ArrayList<Entry> entries = new ArrayList<>();
  private long entryBytes;

  @Override
  public synchronized HardState hardState() {
    return hardState;
  }

  @Override
  public synchronized SnapshotMeta snapshotMeta() {
    return snapshot;
  }

  @Override
  public synchronized long firstIndex() {
    return snapshot.index() + 1;
  }

  @Override
  public synchronized long lastIndex() {
    return snapshot.index() + entries.size();
  }

  @Override
  public synchronized long term(long index) {
    if (index == snapshot.index()) {
      return snapshot.term();
    }
    if (index < snapshot.index() || index > lastIndex()) {
      return UNKNOWN_TERM;
    }
    return entries.get(position(index)).term();
  }

  @Override
  public synchronized List<Entry> entries(long lo, long hi, long maxBytes) {
    if (lo < firstIndex() || lo > hi || hi > lastIndex() + 1) {
      throw new IllegalArgumentException("entries [" + lo + ", " + hi + ") outside the log ["
          + firstIndex() + ", " + (lastIndex() + 1) + ")");
    }
    int from = position(lo);
    int end = position(hi);
    int to = from;
    long bytes = 0;
    while (to < end) {
      long size = entries.get(to).sizeBytes();
      if (to > from && bytes + size > maxBytes) {
        break;
      }
      bytes += size;
      to++;
    }
    return List.copyOf(entries.subList(from, to));
  }

  synchronized long entryBytes() {
    return entryBytes;
  }

  /**
   * Checks that {@link #save} would keep every invariant: the snapshot does not move backwards,
   * the entries start above the snapshot and at most one past the end, run contiguously with
   * non-decreasing terms, and the resulting commit index is within the log.
   *
   * @throws IllegalArgumentException naming the first violation
   */
  synchronized void validateSave(HardState newHardState, SnapshotMeta newSnapshot, List<Entry> newEntries) {
    long floor = snapshot.index();
    long last = lastIndex();
    if (!newSnapshot.isEmpty()) {
      if (newSnapshot.index() < snapshot.index()) {
        throw new IllegalArgumentException("snapshot at index " + newSnapshot.index()
            + " is older than the log's snapshot at " + snapshot.index());
      }
      floor = newSnapshot.index();
      last = newSnapshot.index();
    }
    if (!newEntries.isEmpty()) {
      long first = newEntries.get(0).index();
      if (first <= floor) {
        throw new IllegalArgumentException(
            "entry " + first + " is at or below the snapshot index " + floor);
      }
      if (first > last + 1) {
        throw new IllegalArgumentException(
            "entry " + first + " follows index " + last + ", leaving a gap");
      }
      long prevIndex = first - 1;
      long prevTerm = newSnapshot.isEmpty() ? term(prevIndex) : newSnapshot.term();
      for (Entry e : newEntries) {
        if (e.index() != prevIndex + 1) {
          throw new IllegalArgumentException(
              "entry " + e.index() + " follows entry " + prevIndex + ", leaving a gap");
        }
        if (e.term() < prevTerm) {
          throw new IllegalArgumentException("entry " + e.index() + " has term " + e.term()
              + ", below term " + prevTerm + " at index " + prevIndex);
        }
        prevIndex = e.index();
        prevTerm = e.term();
      }
      last = prevIndex;
    }
    long commit = (newHardState.isEmpty() ? hardState : newHardState).commit();
    if (commit > last) {
      throw new IllegalArgumentException(
          "commit index " + commit + " is beyond the last index " + last);
    }
  }

  /**
   * Applies a write with {@link LogStore#save} semantics. Requires {@link #validateSave} to have
   * accepted the same arguments.
   */
  synchronized void save(HardState newHardState, SnapshotMeta newSnapshot, List<Entry> newEntries) {
    if (!newSnapshot.isEmpty()) {
      removeFrom(0);
      snapshot = newSnapshot;
    }
    if (!newEntries.isEmpty()) {
      removeFrom(position(newEntries.get(0).index()));
      for (Entry e : newEntries) {
        entries.add(e);
        entryBytes += e.sizeBytes();
      }
    }
    if (!newHardState.isEmpty()) {
      hardState = newHardState;
    }
  }

  /** @throws IllegalArgumentException unless {@code firstIndex() <= index <= lastIndex()} */
  synchronized void validateCompact(long index) {
    if (index < firstIndex() || index > lastIndex()) {
      throw new IllegalArgumentException("cannot compact through " + index + ": the log holds ["
          + firstIndex() + ", " + lastIndex() + "]");
    }
  }

  /**
   * Drops entries through {@code index}, which becomes the snapshot point. Requires
   * {@link #validateCompact} to have accepted {@code index}.
   */
  synchronized void compact(long index) {
    SnapshotMeta point = new SnapshotMeta(index, term(index));
    List<Entry> dropped = entries.subList(0, position(index) + 1);
    for (Entry e : dropped) {
      entryBytes -= e.sizeBytes();
    }
    dropped.clear();
    snapshot = point;
  }

  private void removeFrom(int position) {
    List<Entry> tail = entries.subList(position, entries.size());
    for (Entry e : tail) {
      entryBytes -= e.sizeBytes();
    }
    tail.clear();
  }

  private int position(long index) {
    return (int) (index - firstIndex());
  }
}
