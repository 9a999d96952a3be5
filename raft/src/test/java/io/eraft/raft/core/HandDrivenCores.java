package io.eraft.raft.core;

import io.eraft.raft.storage.MemoryLogStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Cores driven by hand on the test's thread, for interaction tests that script exactly which
 * messages arrive: each Ready is persisted to the node's {@link MemoryLogStore} at once (synced),
 * its messages queue in one outbox, and {@link #deliver} hands them out in rounds.
 */
final class HandDrivenCores {
  /** What one {@link #deliver} did: rounds until quiet (50 if it never got quiet), messages held back and delivered. */
  record Delivery(int rounds, List<RaftMessage> held, List<RaftMessage> delivered) {}

  private static final int MAX_ROUNDS = 50;

  private final List<Long> peers;
  private final int electionTicks;
  private final int heartbeatTicks;
  private final Map<Long, RaftCore> cores = new HashMap<>();
  private final Map<Long, MemoryLogStore> stores = new HashMap<>();
  private final List<RaftMessage> outbox = new ArrayList<>();
  private final List<ReadState> reads = new ArrayList<>();

  HandDrivenCores(List<Long> peers, int electionTicks, int heartbeatTicks) {
    this.peers = List.copyOf(peers);
    this.electionTicks = electionTicks;
    this.heartbeatTicks = heartbeatTicks;
  }

  /** (Re)starts node {@code id} on {@code store}, without PreVote or CheckQuorum. */
  RaftCore start(long id, MemoryLogStore store) {
    stores.put(id, store);
    RaftCore core = new RaftCore(new CoreConfig(id, peers, electionTicks, heartbeatTicks, false, false, 1 << 20, 256,
        0, 1 << 20, 0, new Random(id), LoggerFactory.getLogger("t")), store);
    cores.put(id, core);
    return core;
  }

  RaftCore core(long id) {
    return cores.get(id);
  }

  /** Runs node {@code id}'s Ready cycles until it has nothing left to do. */
  void drain(long id) {
    RaftCore c = cores.get(id);
    while (c.hasReady()) {
      Ready rd = c.ready();
      stores.get(id).save(rd.hardState(), rd.snapshot(), rd.entries(), true);
      outbox.addAll(rd.messages());
      outbox.addAll(rd.messagesAfterPersist());
      reads.addAll(rd.readStates());
      c.persisted(rd);
      c.advance(rd);
    }
  }

  /** The messages sent so far and not delivered; the outbox is emptied. */
  List<RaftMessage> takeOutbox() {
    List<RaftMessage> taken = new ArrayList<>(outbox);
    outbox.clear();
    return taken;
  }

  /** The read states answered so far (a live view; tests may clear it). */
  List<ReadState> reads() {
    return reads;
  }

  void deliverAll() {
    deliver(m -> false);
  }

  /** Runs every node and delivers what they send, round after round, until nothing moves; {@code hold} keeps messages aside. */
  Delivery deliver(Predicate<RaftMessage> hold) {
    List<RaftMessage> held = new ArrayList<>();
    List<RaftMessage> delivered = new ArrayList<>();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      for (long id : peers) {
        if (cores.containsKey(id)) {
          drain(id);
        }
      }
      if (outbox.isEmpty()) {
        return new Delivery(round, held, delivered);
      }
      for (RaftMessage m : takeOutbox()) {
        if (hold.test(m)) {
          held.add(m);
        } else {
          delivered.add(m);
          cores.get(m.to()).step(m);
        }
      }
    }
    return new Delivery(MAX_ROUNDS, held, delivered);
  }
}
