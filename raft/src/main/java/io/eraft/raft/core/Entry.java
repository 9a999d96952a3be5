package io.eraft.raft.core;

import com.google.protobuf.ByteString;

/**
 * One Raft log entry. An entry with empty {@code data} is a no-op: the entry a new leader appends
 * to commit entries of earlier terms (Raft thesis §6.4); state machines skip it.
 */
public record Entry(long index, long term, ByteString data) {
  /** Fixed per-entry overhead counted by {@link #sizeBytes()}: index, term and framing. */
  static final int OVERHEAD_BYTES = 24;

  public Entry {
    if (index <= 0 || term <= 0) {
      throw new IllegalArgumentException("entry index and term must be positive: " + index + "/" + term);
    }
    if (data == null) {
      throw new IllegalArgumentException("entry data must not be null (empty means no-op)");
    }
  }

  public static Entry noop(long index, long term) {
    return new Entry(index, term, ByteString.EMPTY);
  }

  public boolean isNoop() {
    return data.isEmpty();
  }

  /** Approximate encoded size, used for message and in-flight byte limits. */
  public long sizeBytes() {
    return data.size() + OVERHEAD_BYTES;
  }
}
