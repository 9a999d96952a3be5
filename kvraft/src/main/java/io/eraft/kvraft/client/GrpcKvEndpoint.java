package io.eraft.kvraft.client;

import io.eraft.proto.kvraftpb.CommandRequest;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.proto.kvraftpb.GetStatusRequest;
import io.eraft.proto.kvraftpb.GetStatusResponse;
import io.eraft.proto.kvraftpb.KVServiceGrpc;
import io.eraft.raft.client.FutureObserver;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A KV server over one gRPC channel, with async stubs (no thread waits for an answer). */
final class GrpcKvEndpoint implements KvEndpoint {
  private final KVServiceGrpc.KVServiceStub stub;

  GrpcKvEndpoint(ManagedChannel channel) {
    this.stub = KVServiceGrpc.newStub(channel);
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
