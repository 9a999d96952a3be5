package io.eraft.raft.sim.service;

import java.util.Collection;
import java.util.List;

/**
 * A clerk of a {@link SimServiceCluster} with its own ends to every server (eRaft's
 * {@code makeClient}): which servers it can reach is set per end, independently of the servers'
 * partition. Thread-safe if the clerk is.
 *
 * @param <C> the service's clerk (e.g. the KV {@code Clerk})
 */
public final class SimClient<C> {
  private final C clerk;
  /** The end to server i at position i. */
  private final List<SimClientEnd<?>> ends;

  SimClient(C clerk, List<? extends SimClientEnd<?>> ends) {
    this.clerk = clerk;
    this.ends = List.copyOf(ends);
  }

  public C clerk() {
    return clerk;
  }

  /** Enables the ends to {@code servers} (eRaft's {@code ConnectClient}); the others keep their state. */
  public void connect(Collection<Integer> servers) {
    servers.forEach(s -> ends.get(s).setEnabled(true));
  }

  /** Disables the ends to {@code servers} (eRaft's {@code DisconnectClient}). */
  public void disconnect(Collection<Integer> servers) {
    servers.forEach(s -> ends.get(s).setEnabled(false));
  }
}
