package io.eraft.kvraft.server;

import io.eraft.proto.kvraftpb.CommandRequest;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.proto.kvraftpb.GetStatusRequest;
import io.eraft.proto.kvraftpb.GetStatusResponse;
import io.eraft.proto.kvraftpb.KVServiceGrpc;
import io.grpc.stub.StreamObserver;

/**
 * {@code kvraftpb.KVService} over a {@link KvServer}. As in eRaft, errors travel in the reply's
 * {@code err} string, never as a gRPC status. Replies are sent from the thread that completes the
 * request (often Raft's apply thread): sending a unary reply only queues it on the channel.
 */
public final class KvGrpcService extends KVServiceGrpc.KVServiceImplBase {
  private final KvServer server;

  public KvGrpcService(KvServer server) {
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
