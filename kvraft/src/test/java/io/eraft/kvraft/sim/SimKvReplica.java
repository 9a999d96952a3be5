package io.eraft.kvraft.sim;

import io.eraft.kvraft.server.KvServer;
import io.eraft.kvraft.server.KvServerOptions;
import io.eraft.kvraft.server.KvStateMachine;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.raft.RaftConfig;
import io.eraft.raft.RaftNode;
import io.eraft.raft.RaftStatus;
import io.eraft.raft.SnapshotSource;
import io.eraft.raft.storage.LevelDbStateStore;
import io.eraft.raft.storage.MemoryLogStore;
import io.eraft.raft.transport.Transport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * One KV server of a {@link KvSimCluster}: what survives a crash — the Raft log (a
 * {@link MemoryLogStore} reused by every incarnation, as eRaft's harness keeps the persister) and
 * the state machine's LevelDB directory — and the running incarnation, if any: the
 * {@link RaftNode}, the open {@link LevelDbStateStore}, the {@link KvStateMachine} and the
 * {@link KvServer}. Not thread-safe: the cluster's test thread drives it.
 */
final class SimKvReplica {
  private final Path dir;
  private final MemoryLogStore log = new MemoryLogStore();
  private LevelDbStateStore store;
  private KvStateMachine machine;
  private RaftNode<CommandResponse> node;

  /** @param dir this server's directory: {@code state} holds its LevelDB, {@code raft} its snapshot staging */
  SimKvReplica(Path dir) {
    this.dir = dir;
  }

  Path raftDir() {
    return dir.resolve("raft");
  }

  /** Starts a new incarnation from what the previous ones left; returns its request path. */
  KvServer start(RaftConfig config, Transport transport, KvServerOptions options) {
    store = LevelDbStateStore.open(dir.resolve("state"));
    machine = new KvStateMachine(store);
    node = RaftNode.<CommandResponse>builder()
        .config(config)
        .stateMachine(machine)
        .logStore(log)
        .transport(transport)
        .meterRegistry(new SimpleMeterRegistry())
        .build()
        .start();
    return new KvServer(node, machine, options);
  }

  /** Ends the running incarnation: the node first (it stops applying), then its store. */
  void stop() {
    try {
      node.close();
    } finally {
      store.close();
      node = null;
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

  /**
   * Bytes of this server's snapshot in eRaft's sense: 0 until its log was first compacted (or
   * replaced by an installed snapshot), then the size of the state-machine snapshot a leader would
   * send, which like eRaft's holds every pair and the duplicate table. Only while running.
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
