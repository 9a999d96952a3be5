package io.eraft.raft.core;

/**
 * The answer to {@link RaftCore#readIndex(long)}: once the application has applied through
 * {@code index}, a read of its state is linearizable. A failed read ({@link #succeeded()} false)
 * means this node was not, or stopped being, a confirmed leader; the caller retries elsewhere.
 */
public record ReadState(long requestId, long index) {
  private static final long FAILED = -1;

  public static ReadState failed(long requestId) {
    return new ReadState(requestId, FAILED);
  }

  public boolean succeeded() {
    return index != FAILED;
  }
}
