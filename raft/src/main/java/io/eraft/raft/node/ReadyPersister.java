package io.eraft.raft.node;

import io.eraft.raft.core.RaftMessage;
import io.eraft.raft.core.Ready;
import io.eraft.raft.storage.LogStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The raft loop's side of persistence: hands each Ready with something to write to the
 * {@link LogWriter} and releases its acknowledgements ({@code messagesAfterPersist}) only once it
 * and every Ready before it are durable. A Ready with nothing to write whose acknowledgements
 * (an idle follower's heartbeat answer) follow no outstanding write sends them at once, without
 * two thread hand-offs through the writer: every earlier write is durable and its
 * acknowledgements already sent, so order and "acknowledge only what is durable" both hold.
 * {@link #persist} is called by the raft loop; the callbacks run on the writer's thread.
 */
final class ReadyPersister {
  private final LogWriter writer;
  private final Consumer<List<RaftMessage>> send;
  private final Consumer<List<Ready>> durable;
  /** Readies given to the writer whose acknowledgements are not sent yet (loop increments, writer decrements). */
  private final AtomicInteger unacknowledged = new AtomicInteger();

  /**
   * @param send sends messages (acknowledgements, here)
   * @param durable told, after their acknowledgements went out, which Readies are durable
   */
  ReadyPersister(long nodeId, LogStore log, NodeMetrics metrics, Consumer<List<RaftMessage>> send,
      Consumer<List<Ready>> durable, Consumer<Throwable> onFailure) {
    this.send = send;
    this.durable = durable;
    this.writer = new LogWriter(nodeId, log, metrics, this::written, onFailure);
  }

  void start() {
    writer.start();
  }

  /** Finishes the writes already handed over, then stops the writer. */
  void stop() throws InterruptedException {
    writer.stop();
  }

  void persist(Ready rd) {
    boolean writesNothing = rd.entries().isEmpty() && rd.hardState().isEmpty() && rd.snapshot().isEmpty();
    if (writesNothing && (rd.messagesAfterPersist().isEmpty() || unacknowledged.get() == 0)) {
      send.accept(rd.messagesAfterPersist()); // its persisted() would change nothing
      return;
    }
    unacknowledged.incrementAndGet();
    writer.write(rd);
  }

  /** On the writer's thread: these Readies are durable. */
  private void written(List<Ready> readies) {
    for (Ready rd : readies) {
      send.accept(rd.messagesAfterPersist());
    }
    unacknowledged.addAndGet(-readies.size()); // after their acknowledgements went out: see persist()
    durable.accept(readies);
  }
}
