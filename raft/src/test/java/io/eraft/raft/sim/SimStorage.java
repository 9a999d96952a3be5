package io.eraft.raft.sim;

import io.eraft.raft.core.Entry;
import io.eraft.raft.core.HardState;
import io.eraft.raft.core.SnapshotMeta;
import io.eraft.raft.storage.LogStore;
import io.eraft.raft.storage.MemoryLogStore;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link LogStore} that models a disk: writes land in a volatile view at once and reach the
 * durable copy only when {@link #flush()} runs (the end of an fsync). {@link #crash()} throws the
 * volatile view away, so every write not yet flushed is lost — including unsynced ones, which only
 * a later synced write would have carried to disk. Compaction is synced at once.
 */
public final class SimStorage implements LogStore {
  private record Write(HardState hardState, SnapshotMeta snapshot, List<Entry> entries) {}

  private final MemoryLogStore durable = new MemoryLogStore();
  private MemoryLogStore current = new MemoryLogStore();
  private final List<Write> unflushed = new ArrayList<>();
  private long writes;
  private long flushed;

  @Override
  public void save(HardState hardState, SnapshotMeta snapshot, List<Entry> entries, boolean sync) {
    current.save(hardState, snapshot, entries, sync);
    unflushed.add(new Write(hardState, snapshot, List.copyOf(entries)));
    writes++;
  }

  /** How many writes were made so far; {@link #flushThrough} takes such a count. */
  public long writes() {
    return writes;
  }

  /** Makes every write so far durable (the fsync completed). */
  public void flush() {
    flushThrough(writes);
  }

  /** Makes the first {@code count} writes durable, in order; later ones stay volatile. */
  public void flushThrough(long count) {
    while (flushed < count && !unflushed.isEmpty()) {
      Write w = unflushed.remove(0);
      durable.save(w.hardState(), w.snapshot(), w.entries(), true);
      flushed++;
    }
  }

  /** Loses every write not yet flushed, as a power failure would. */
  public void crash() {
    flushed += unflushed.size();
    unflushed.clear();
    current = copyOf(durable);
  }

  /** The state a restart would find. */
  public LogStore durable() {
    return durable;
  }

  private static MemoryLogStore copyOf(LogStore source) {
    MemoryLogStore copy = new MemoryLogStore();
    List<Entry> entries = source.lastIndex() >= source.firstIndex()
        ? source.entries(source.firstIndex(), source.lastIndex() + 1, Long.MAX_VALUE)
        : List.of();
    copy.save(source.hardState(), source.snapshotMeta(), entries, true);
    return copy;
  }

  @Override
  public void compact(long index) {
    flush();
    current.compact(index);
    durable.compact(index);
  }

  @Override
  public HardState hardState() {
    return current.hardState();
  }

  @Override
  public SnapshotMeta snapshotMeta() {
    return current.snapshotMeta();
  }

  @Override
  public long firstIndex() {
    return current.firstIndex();
  }

  @Override
  public long lastIndex() {
    return current.lastIndex();
  }

  @Override
  public long term(long index) {
    return current.term(index);
  }

  @Override
  public List<Entry> entries(long lo, long hi, long maxBytes) {
    return current.entries(lo, hi, maxBytes);
  }

  @Override
  public long sizeBytes() {
    return current.entryBytes();
  }

  @Override
  public long entryBytes() {
    return current.entryBytes();
  }

  @Override
  public void close() {}
}
