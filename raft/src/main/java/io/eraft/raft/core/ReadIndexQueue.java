package io.eraft.raft.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A leader's pending linearizable reads (thesis §6.4). A read is answered with the commit index at
 * the time it arrived once a majority has acknowledged a heartbeat round that began after it
 * arrived, which proves no newer leader could have committed anything unseen. Reads that arrive
 * before the leader has committed an entry of its own term wait for that first. Thread-confined.
 */
final class ReadIndexQueue {
  private record PendingRead(long requestId, long index, long round) {}

  private final long selfId;
  private final ArrayDeque<PendingRead> pending = new ArrayDeque<>();
  private final List<Long> awaitingFirstCommit = new ArrayList<>();
  private final Map<Long, Long> ackedRound = new HashMap<>();
  private long sentRound;
  private boolean roundRequested;

  ReadIndexQueue(long selfId, List<Long> peers) {
    this.selfId = selfId;
    for (long p : peers) {
      ackedRound.put(p, 0L);
    }
  }

  /** The round every outgoing AppendEntries carries. */
  long sentRound() {
    return sentRound;
  }

  void awaitFirstCommit(long requestId) {
    awaitingFirstCommit.add(requestId);
  }

  /** Reads waiting for the leader's first commit in its term, handed back once it happened. */
  List<Long> drainAwaitingFirstCommit() {
    List<Long> ids = new ArrayList<>(awaitingFirstCommit);
    awaitingFirstCommit.clear();
    return ids;
  }

  /** Queues a read at {@code commitIndex} that needs a heartbeat round not yet sent. */
  void add(long requestId, long commitIndex) {
    pending.addLast(new PendingRead(requestId, commitIndex, sentRound + 1));
    roundRequested = true;
  }

  /** Asks for a heartbeat round without a read; returns the number it will have. */
  long requestRound() {
    roundRequested = true;
    return sentRound + 1;
  }

  boolean hasUnsentRound() {
    return roundRequested;
  }

  /** Starts the requested round; returns its number, to be broadcast in heartbeats. */
  long startRound() {
    roundRequested = false;
    sentRound++;
    ackedRound.put(selfId, sentRound);
    return sentRound;
  }

  /** Records a peer's echo of {@code round}; returns the reads now confirmed. */
  List<ReadState> acknowledge(long peer, long round) {
    Long previous = ackedRound.get(peer);
    if (previous == null || round <= previous || round > sentRound) {
      return List.of();
    }
    ackedRound.put(peer, round);
    long[] rounds = ackedRound.values().stream().mapToLong(Long::longValue).toArray();
    long confirmed = Quorum.committedIndex(rounds);
    List<ReadState> ready = new ArrayList<>();
    while (!pending.isEmpty() && pending.peekFirst().round() <= confirmed) {
      PendingRead r = pending.removeFirst();
      ready.add(new ReadState(r.requestId(), r.index()));
    }
    return ready;
  }

  /** Leadership lost: every pending read fails. */
  List<ReadState> failAll() {
    List<ReadState> failed = new ArrayList<>();
    for (PendingRead r : pending) {
      failed.add(ReadState.failed(r.requestId()));
    }
    for (long id : awaitingFirstCommit) {
      failed.add(ReadState.failed(id));
    }
    pending.clear();
    awaitingFirstCommit.clear();
    return failed;
  }
}
