package io.eraft.raft.core;

import java.util.List;

/**
 * Everything a core asks its driver to do, in this order:
 *
 * <ol>
 *   <li>send {@link #messages()} now (a leader replicates while its own write is in flight,
 *       thesis §10.2.1);
 *   <li>install {@link #snapshot()} into the state machine if not empty, then persist it;
 *   <li>persist {@link #entries()} (replacing any stored suffix from the first one's index on) and
 *       {@link #hardState()} in one write, synced when {@link #mustSync()};
 *   <li>only then send {@link #messagesAfterPersist()}: votes and acknowledgements promise durable
 *       state (thesis §3.8);
 *   <li>apply {@link #committed()} in order, and answer {@link #readStates()};
 *   <li>call {@link RaftCore#advance(Ready)} once the sends and applies are handed off, and
 *       {@link RaftCore#persisted(Ready)} once the writes are durable (the two may come in either
 *       order; Readies are persisted in the order they were taken).
 * </ol>
 *
 * <p>A driver may write asynchronously: it may take further Readies before earlier ones are
 * persisted, as long as each Ready's {@link #messagesAfterPersist()} wait for its own write and
 * every earlier one. {@link #committed()} only ever holds entries already durable here.
 *
 * <p>Absent parts are empty values, never null.
 */
public record Ready(
    SoftState softState,
    HardState hardState,
    SnapshotMeta snapshot,
    List<Entry> entries,
    List<Entry> committed,
    List<RaftMessage> messages,
    List<RaftMessage> messagesAfterPersist,
    List<ReadState> readStates,
    boolean mustSync) {
  public Ready {
    entries = List.copyOf(entries);
    committed = List.copyOf(committed);
    messages = List.copyOf(messages);
    messagesAfterPersist = List.copyOf(messagesAfterPersist);
    readStates = List.copyOf(readStates);
  }
}
