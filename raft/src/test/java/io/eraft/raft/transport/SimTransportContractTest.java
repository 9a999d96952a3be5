package io.eraft.raft.transport;

import io.eraft.raft.sim.SimNetwork;
import io.eraft.raft.sim.SimTransport;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@link Transport} contract for {@link SimTransport}: a reliable {@link SimNetwork} whose calls
 * to unreachable peers fail within 100 ms (no long delays).
 */
class SimTransportContractTest extends TransportContractTest {
  @Override
  protected Cluster newCluster(Tuning tuning, int up, long... down) {
    SimNetwork network = new SimNetwork(1);
    network.setLongDelays(false);
    network.setRpcTimeout(tuning.rpcTimeout());
    network.setSnapshotChunkBytes(tuning.snapshotChunkBytes());
    SimNodes nodes = new SimNodes(network);
    for (long id = 1; id <= up; id++) {
      nodes.start(id);
    }
    for (long id : down) {
      network.transport(id);
      network.kill(id);
    }
    return nodes;
  }

  /** A simulated network has no fixed membership: an unknown peer is one that is down. */
  @Override
  protected boolean rejectsUnknownPeers() {
    return false;
  }

  /** Started endpoints of one network; {@link #stop} kills a node. Not thread-safe. */
  private static final class SimNodes implements Cluster {
    private final SimNetwork network;
    private final Map<Long, SimTransport> transports = new HashMap<>();
    private final Map<Long, RecordingHandler> handlers = new HashMap<>();

    SimNodes(SimNetwork network) {
      this.network = network;
    }

    void start(long id) {
      SimTransport t = network.transport(id);
      RecordingHandler h = new RecordingHandler();
      t.start(h);
      transports.put(id, t);
      handlers.put(id, h);
    }

    @Override
    public Transport transport(long id) {
      return transports.get(id);
    }

    @Override
    public RecordingHandler handler(long id) {
      return handlers.get(id);
    }

    @Override
    public void stop(long id) {
      network.kill(id);
    }

    @Override
    public Transport unstarted(long id) {
      return network.transport(id);
    }

    @Override
    public void close() {
      transports.values().forEach(SimTransport::close);
      network.close();
    }
  }
}
