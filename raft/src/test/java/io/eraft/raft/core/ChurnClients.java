package io.eraft.raft.core;

import com.google.protobuf.ByteString;
import io.eraft.raft.sim.SimCluster;
import java.util.ArrayList;
import java.util.List;

/**
 * The client goroutines of eRaft's churn tests, as virtual-time actors: each offers a random
 * command to every server, then polls (10, 20, 50, 100, 200 ms) for the index it got; a command
 * seen committed there is remembered. A client with no leader to take its command waits
 * 79 + 17·id ms.
 */
final class ChurnClients {
  private static final long[] POLL_MS = {10, 20, 50, 100, 200};

  private final class Client {
    final int id;
    long nextAt;
    ByteString pending;
    long pendingIndex = -1;
    int poll;

    Client(int id) {
      this.id = id;
    }

    void act() {
      if (pending == null) {
        offerNew();
        return;
      }
      SimCluster.Committed committed = cluster.nCommitted(pendingIndex);
      if (committed.count() > 0) {
        if (pending.equals(committed.command())) {
          values.add(pending);
        }
        pending = null;
        nextAt = cluster.now();
      } else if (poll < POLL_MS.length) {
        nextAt = cluster.now() + POLL_MS[poll++];
      } else {
        pending = null;
        nextAt = cluster.now();
      }
    }

    private void offerNew() {
      ByteString x = SimCluster.command(cluster.random().nextLong());
      long index = -1;
      for (int i = 0; i < servers; i++) {
        ProposeResult r = cluster.start(i, x);
        if (r.accepted()) {
          index = r.firstIndex();
        }
      }
      if (index < 0) {
        nextAt = cluster.now() + 79 + id * 17L;
        return;
      }
      pending = x;
      pendingIndex = index;
      poll = 0;
      nextAt = cluster.now();
    }
  }

  private final SimCluster cluster;
  private final int servers;
  private final List<Client> clients = new ArrayList<>();
  private final List<ByteString> values = new ArrayList<>();

  ChurnClients(SimCluster cluster, int servers, int count) {
    this.cluster = cluster;
    this.servers = servers;
    for (int i = 0; i < count; i++) {
      clients.add(new Client(i));
    }
  }

  /** Lets the clients work while {@code ms} of virtual time passes. */
  void runFor(long ms) {
    long end = cluster.now() + ms;
    while (true) {
      Client next = clients.get(0);
      for (Client c : clients) {
        if (c.nextAt < next.nextAt) {
          next = c;
        }
      }
      if (next.nextAt > end) {
        cluster.runFor(end - cluster.now());
        return;
      }
      if (next.nextAt > cluster.now()) {
        cluster.runFor(next.nextAt - cluster.now());
      }
      next.act();
    }
  }

  /** Stops offering new commands and lets outstanding polls finish (eRaft's stop flag). */
  void settle() {
    long end = cluster.now() + 2_000;
    while (cluster.now() < end && clients.stream().anyMatch(c -> c.pending != null)) {
      for (Client c : clients) {
        if (c.pending != null && c.nextAt <= cluster.now()) {
          c.act();
        }
      }
      cluster.runFor(10);
    }
  }

  List<ByteString> committedValues() {
    return values;
  }
}
