package io.eraft.raft.core;

import java.util.ArrayDeque;

/**
 * The AppendEntries a leader has sent to one follower and not yet seen acknowledged, bounded by
 * count and by bytes so a slow follower cannot make the leader buffer its whole log in flight.
 * Thread-confined to the raft loop.
 */
final class Inflights {
  private record Sent(long lastIndex, long bytes) {}

  private final int maxMessages;
  private final long maxBytes;
  private final ArrayDeque<Sent> sent = new ArrayDeque<>();
  private long bytes;

  Inflights(int maxMessages, long maxBytes) {
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
  }

  void add(long lastIndex, long messageBytes) {
    sent.addLast(new Sent(lastIndex, messageBytes));
    bytes += messageBytes;
  }

  /** Forgets every message whose last entry is at or below {@code index}. */
  void freeLE(long index) {
    while (!sent.isEmpty() && sent.peekFirst().lastIndex() <= index) {
      bytes -= sent.removeFirst().bytes();
    }
  }

  /** Forgets the oldest message, acknowledged or not. */
  void freeFirstOne() {
    Sent first = sent.pollFirst();
    if (first != null) {
      bytes -= first.bytes();
    }
  }

  boolean isFull() {
    return sent.size() >= maxMessages || (maxBytes > 0 && bytes >= maxBytes);
  }

  int count() {
    return sent.size();
  }

  void reset() {
    sent.clear();
    bytes = 0;
  }
}
