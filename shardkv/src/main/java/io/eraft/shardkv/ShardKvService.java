package io.eraft.shardkv;

import io.eraft.proto.shardkvpb.CommandRequest;
import io.eraft.proto.shardkvpb.CommandResponse;
import io.eraft.proto.shardkvpb.GetStatusRequest;
import io.eraft.proto.shardkvpb.GetStatusResponse;
import io.eraft.proto.shardkvpb.ShardKVServiceGrpc;
import io.eraft.raft.rpc.GroupService;

/** eRaft's {@code shardkvpb.ShardKVService}: Command and GetStatus as every group's, plus the two inter-group RPCs. */
public final class ShardKvService {
  public static final GroupService<CommandRequest, CommandResponse> GRPC = GroupService.of(
      ShardKVServiceGrpc.getServiceDescriptor(), ShardKVServiceGrpc.getCommandMethod(),
      ShardKVServiceGrpc.getGetStatusMethod(), GetStatusRequest.getDefaultInstance(), GetStatusResponse::newBuilder);

  private ShardKvService() {}
}
