package io.eraft.kvraft.sim;

import io.eraft.kvraft.client.Clerk;
import java.util.Collection;
import java.util.List;

/**
 * A clerk of a {@link KvSimCluster} with its own ends to every server (eRaft's {@code makeClient}):
 * which servers it can reach is set per end, independently of the servers' partition. Thread-safe.
 */
public final class SimClient {
  private final Clerk clerk;
  /** The end to server i at position i. */
  private final List<SimKvEndpoint> ends;

  SimClient(Clerk clerk, List<SimKvEndpoint> ends) {
    this.clerk = clerk;
    this.ends = List.copyOf(ends);
  }

  public Clerk clerk() {
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
