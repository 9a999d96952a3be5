package io.eraft.shardctrler.client;

import io.eraft.proto.shardctrlerpb.CommandRequest;
import io.eraft.proto.shardctrlerpb.CommandResponse;
import io.eraft.proto.shardctrlerpb.GetStatusRequest;
import io.eraft.proto.shardctrlerpb.GetStatusResponse;
import io.eraft.proto.shardctrlerpb.ShardCtrlerServiceGrpc;
import io.eraft.raft.client.FutureObserver;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A controller replica over one gRPC channel, with async stubs. */
final class GrpcCtrlerEndpoint implements CtrlerEndpoint {
  private final ShardCtrlerServiceGrpc.ShardCtrlerServiceStub stub;

  GrpcCtrlerEndpoint(ManagedChannel channel) {
    this.stub = ShardCtrlerServiceGrpc.newStub(channel);
  }

  @Override
  public CompletableFuture<CommandResponse> command(CommandRequest request, Duration timeout) {
    FutureObserver<CommandResponse> answer = new FutureObserver<>();
    stub.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS).command(request, answer);
    return answer.future();
  }

  @Override
  public CompletableFuture<GetStatusResponse> status(Duration timeout) {
    FutureObserver<GetStatusResponse> answer = new FutureObserver<>();
    stub.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS).getStatus(GetStatusRequest.getDefaultInstance(),
        answer);
    return answer.future();
  }
}
