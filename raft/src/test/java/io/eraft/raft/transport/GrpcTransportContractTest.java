package io.eraft.raft.transport;

/** The {@link Transport} contract for {@link GrpcTransport}: real gRPC servers on 127.0.0.1. */
class GrpcTransportContractTest extends TransportContractTest {
  @Override
  protected Cluster newCluster(Tuning tuning, int up, long... down) {
    GrpcTransportOptions options = GrpcTransportOptions.DEFAULTS
        .withRpcTimeout(tuning.rpcTimeout())
        .withSnapshotChunkBytes(tuning.snapshotChunkBytes());
    return GrpcCluster.start(up, options, down);
  }

  /** Each GrpcTransport is built with its peers' addresses and knows no others. */
  @Override
  protected boolean rejectsUnknownPeers() {
    return true;
  }
}
