package io.eraft.raft.core;

/** Identifies a snapshot: the last log index and term whose effects it contains. */
public record SnapshotMeta(long index, long term) {
  public static final SnapshotMeta EMPTY = new SnapshotMeta(0, 0);

  public SnapshotMeta {
    if (index < 0 || term < 0 || (index == 0) != (term == 0)) {
      throw new IllegalArgumentException("invalid snapshot meta " + index + "/" + term);
    }
  }

  public boolean isEmpty() {
    return index == 0;
  }
}
