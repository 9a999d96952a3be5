package io.eraft.shardctrler.server;

import io.eraft.proto.shardctrlerpb.CommandRequest;
import io.eraft.proto.shardctrlerpb.CommandResponse;
import io.eraft.proto.shardctrlerpb.GetStatusRequest;
import io.eraft.proto.shardctrlerpb.GetStatusResponse;
import io.eraft.proto.shardctrlerpb.ShardCtrlerServiceGrpc;
import io.grpc.stub.StreamObserver;

/**
 * {@code shardctrlerpb.ShardCtrlerService} over a {@link CtrlerServer}; errors travel in
 * {@code err}, never as a gRPC status (as eRaft). Replies are sent from the completing thread:
 * sending a unary reply only queues it.
 */
public final class CtrlerGrpcService extends ShardCtrlerServiceGrpc.ShardCtrlerServiceImplBase {
  private final CtrlerServer server;

  public CtrlerGrpcService(CtrlerServer server) {
    this.server = server;
  }

  @Override
  public void command(CommandRequest request, StreamObserver<CommandResponse> responses) {
    server.command(request).thenAccept(reply -> {
      responses.onNext(reply);
      responses.onCompleted();
    });
  }

  @Override
  public void getStatus(GetStatusRequest request, StreamObserver<GetStatusResponse> responses) {
    responses.onNext(server.status());
    responses.onCompleted();
  }
}
