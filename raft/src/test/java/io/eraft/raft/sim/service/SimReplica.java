package io.eraft.raft.sim.service;

import io.eraft.raft.RaftConfig;
import io.eraft.raft.RaftStatus;
import io.eraft.raft.SnapshotSource;
import io.eraft.raft.core.Entry;
import io.eraft.raft.node.RaftNode;
import io.eraft.raft.storage.LevelDbStateMachine;
import io.eraft.raft.storage.LevelDbStateStore;
import io.eraft.raft.storage.MemoryLogStore;
import io.eraft.raft.transport.Transport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One server of a {@link SimServiceCluster}: what survives a crash — the Raft log (a
 * {@link MemoryLogStore} reused by every incarnation, as eRaft's harness keeps the persister) and
 * the state machine's LevelDB directory — and the running incarnation, if any: the
 * {@link RaftNode}, the open {@link LevelDbStateStore}, the state machine and the request path.
 * Not thread-safe: the cluster's test thread drives it.
 */
final class SimReplica<R, M extends LevelDbStateMachine<R>, S> {
  private final Path dir;
  private final SimService<R, M, S> service;
  private final MemoryLogStore log = new MemoryLogStore();
  private LevelDbStateStore store;
  private M machine;
  private RaftNode<R> node;
  /** The running request path, if it owns threads or clients. */
  private AutoCloseable owned;

  /** @param dir this server's directory: {@code state} holds its LevelDB, {@code raft} its snapshot staging */
  SimReplica(Path dir, SimService<R, M, S> service) {
    this.dir = dir;
    this.service = service;
  }

  Path raftDir() {
    return dir.resolve("raft");
  }

  /** Starts a new incarnation from what the previous ones left; returns its request path. */
  S start(RaftConfig config, Transport transport) {
    store = LevelDbStateStore.open(dir.resolve("state"));
    try {
      machine = service.stateMachine().apply(store);
      node = RaftNode.<R>builder()
          .config(config)
          .stateMachine(machine)
          .logStore(log)
          .transport(transport)
          .meterRegistry(new SimpleMeterRegistry())
          .build();
      S server = service.server().apply(node, machine); // may listen for leadership: before the node starts
      owned = server instanceof AutoCloseable closeable ? closeable : null;
      node.start();
      return server;
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  /** Ends the running incarnation: the node first (it stops applying), then what the server owns, then the store. */
  void stop() {
    try {
      if (node != null) {
        node.close();
      }
      if (owned != null) {
        owned.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException("stopping the server in " + dir + " failed", e);
    } finally {
      store.close();
      node = null;
      owned = null;
      machine = null;
      store = null;
    }
  }

  boolean running() {
    return node != null;
  }

  RaftStatus status() {
    return node.status();
  }

  /** The running incarnation's state machine. */
  M machine() {
    return machine;
  }

  /** Bytes of the Raft log entries this server holds (eRaft's {@code RaftStateSize}); also while down. */
  long logBytes() {
    return log.sizeBytes();
  }

  /** The index through which this server's log was compacted or replaced by a snapshot (0: never). */
  long compactedThrough() {
    return log.snapshotMeta().index();
  }

  long lastLogIndex() {
    return log.lastIndex();
  }

  /** The entries of this server's log after {@code index} (which must not be compacted away); also while down. */
  List<Entry> entriesAfter(long index) {
    long last = log.lastIndex();
    return index >= last ? List.of() : log.entries(index + 1, last + 1, Long.MAX_VALUE);
  }

  /**
   * Bytes of this server's snapshot in eRaft's sense: 0 until its log was first compacted (or
   * replaced by an installed snapshot), then the size of the state-machine snapshot a leader would
   * send, which like eRaft's holds the whole state and the duplicate table. Only while running.
   */
  long snapshotBytes() {
    if (compactedThrough() == 0) {
      return 0;
    }
    try (SnapshotSource snapshot = machine.openSnapshot()) {
      return snapshot.data().transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the state snapshot in " + dir, e);
    }
  }
}
