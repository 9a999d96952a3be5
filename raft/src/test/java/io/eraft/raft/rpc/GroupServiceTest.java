package io.eraft.raft.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.proto.kvraftpb.CommandRequest;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.proto.kvraftpb.GetStatusRequest;
import io.eraft.proto.kvraftpb.GetStatusResponse;
import io.eraft.proto.kvraftpb.KVServiceGrpc;
import io.eraft.proto.shardkvpb.ShardKVServiceGrpc;
import io.eraft.proto.shardkvpb.ShardOperationRequest;
import io.eraft.proto.shardkvpb.ShardOperationResponse;
import io.eraft.raft.cluster.FreePorts;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link GroupService} served and called over a real gRPC channel on 127.0.0.1. */
class GroupServiceTest {
  private static final GroupService<CommandRequest, CommandResponse> KV = GroupService.of(
      KVServiceGrpc.getServiceDescriptor(), KVServiceGrpc.getCommandMethod(), KVServiceGrpc.getGetStatusMethod(),
      GetStatusRequest.getDefaultInstance(), GetStatusResponse::newBuilder);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Server server;
  private CountingChannel channel;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  /**
   * gRPC would fail every call to this server at once for its reconnect backoff (1 s and growing),
   * hiding a server that has come back from a client that is still within its deadline.
   */
  @Test
  void aRefusedConnectionIsDialledAgainRightAway() throws IOException {
    channel = new CountingChannel(FreePorts.pick());
    GroupEndpoint<CommandRequest, CommandResponse> endpoint = KV.endpoint(channel);
    CompletionException e = assertThrows(CompletionException.class,
        () -> endpoint.command(CommandRequest.getDefaultInstance(), TIMEOUT).join());
    assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(e).getCode());
    assertEquals(1, channel.redials.get());
    assertThrows(CompletionException.class, () -> endpoint.status(TIMEOUT).join());
    assertEquals(2, channel.redials.get());
  }

  @Test
  void anAnswerLeavesTheConnectionAlone() throws IOException {
    int port = FreePorts.pick();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .addService(KV.bind(request -> CompletableFuture.completedFuture(
                CommandResponse.newBuilder().setErr("OK").setValue(request.getKey()).build()),
            () -> new ReplicaStatus(0, "Leader", "voter", 1, 1, 1, 0)))
        .build().start();
    channel = new CountingChannel(port);
    GroupEndpoint<CommandRequest, CommandResponse> endpoint = KV.endpoint(channel);
    assertEquals("k", endpoint.command(CommandRequest.newBuilder().setKey("k").build(), TIMEOUT).join().getValue());
    assertEquals("Leader", endpoint.status(TIMEOUT).join().role());
    assertEquals(0, channel.redials.get());
  }

  /** eRaft's ShardKVService has two RPCs besides Command and GetStatus, and three more status fields. */
  @Test
  void aServiceWithMoreRpcsAndStatusFieldsIsServedWhole() throws IOException {
    GroupService<io.eraft.proto.shardkvpb.CommandRequest, io.eraft.proto.shardkvpb.CommandResponse> shardKv =
        GroupService.of(ShardKVServiceGrpc.getServiceDescriptor(), ShardKVServiceGrpc.getCommandMethod(),
            ShardKVServiceGrpc.getGetStatusMethod(), io.eraft.proto.shardkvpb.GetStatusRequest.getDefaultInstance(),
            io.eraft.proto.shardkvpb.GetStatusResponse::newBuilder);
    int port = FreePorts.pick();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .addService(shardKv.bind(request -> CompletableFuture.completedFuture(
                io.eraft.proto.shardkvpb.CommandResponse.newBuilder().setErr("OK").build()),
                () -> new ReplicaStatus(2, "Follower", "voter", 4, 9, 9, 100))
            .rpc(ShardKVServiceGrpc.getGetShardsDataMethod(), request -> CompletableFuture.completedFuture(
                ShardOperationResponse.newBuilder().setErr("OK").setConfigNum(request.getConfigNum()).build()))
            .rpc(ShardKVServiceGrpc.getDeleteShardsDataMethod(), request -> CompletableFuture.failedFuture(
                new IllegalStateException("not now")))
            .statusDetails(reply -> reply.setField(reply.getDescriptorForType().findFieldByName("gid"), 100L)))
        .build().start();
    channel = new CountingChannel(port);

    ShardOperationRequest pull = ShardOperationRequest.newBuilder().setConfigNum(7).addShardIds(3).build();
    assertEquals(7, GroupService.call(channel, ShardKVServiceGrpc.getGetShardsDataMethod(), pull, TIMEOUT).join()
        .getConfigNum());
    CompletionException failed = assertThrows(CompletionException.class,
        () -> GroupService.call(channel, ShardKVServiceGrpc.getDeleteShardsDataMethod(), pull, TIMEOUT).join());
    assertEquals(Status.Code.UNKNOWN, Status.fromThrowable(failed).getCode(), "a failed handler is an error, not a hang");
    io.eraft.proto.shardkvpb.GetStatusResponse status = GroupService.call(channel,
        ShardKVServiceGrpc.getGetStatusMethod(), io.eraft.proto.shardkvpb.GetStatusRequest.getDefaultInstance(),
        TIMEOUT).join();
    assertEquals(100, status.getGid());
    assertEquals(ReplicaStatus.fromProto(status), new ReplicaStatus(2, "Follower", "voter", 4, 9, 9, 100));
  }

  @Test
  void aServiceWithAnUnservedRpcIsRefusedWhenBound() {
    GroupService<io.eraft.proto.shardkvpb.CommandRequest, io.eraft.proto.shardkvpb.CommandResponse> shardKv =
        GroupService.of(ShardKVServiceGrpc.getServiceDescriptor(), ShardKVServiceGrpc.getCommandMethod(),
            ShardKVServiceGrpc.getGetStatusMethod(), io.eraft.proto.shardkvpb.GetStatusRequest.getDefaultInstance(),
            io.eraft.proto.shardkvpb.GetStatusResponse::newBuilder);
    GroupService<io.eraft.proto.shardkvpb.CommandRequest, io.eraft.proto.shardkvpb.CommandResponse>.Binding binding =
        shardKv.bind(request -> new CompletableFuture<>(), () -> new ReplicaStatus(0, "Leader", "voter", 1, 1, 1, 0));
    IllegalStateException e = assertThrows(IllegalStateException.class, binding::bindService);
    assertTrue(e.getMessage().contains("GetShardsData"), e.getMessage());
  }

  /** A plaintext channel to 127.0.0.1:{@code port} that counts {@link #resetConnectBackoff()} calls. */
  private static final class CountingChannel extends ManagedChannel {
    final AtomicInteger redials = new AtomicInteger();
    private final ManagedChannel delegate;

    CountingChannel(int port) {
      delegate = NettyChannelBuilder.forTarget("127.0.0.1:" + port).usePlaintext().build();
    }

    @Override
    public void resetConnectBackoff() {
      redials.incrementAndGet();
      delegate.resetConnectBackoff();
    }

    @Override
    public <Q, P> ClientCall<Q, P> newCall(MethodDescriptor<Q, P> method, CallOptions options) {
      return delegate.newCall(method, options);
    }

    @Override
    public String authority() {
      return delegate.authority();
    }

    @Override
    public ManagedChannel shutdown() {
      return delegate.shutdown();
    }

    @Override
    public boolean isShutdown() {
      return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return delegate.isTerminated();
    }

    @Override
    public ManagedChannel shutdownNow() {
      return delegate.shutdownNow();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return delegate.awaitTermination(timeout, unit);
    }
  }
}
