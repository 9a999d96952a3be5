package io.eraft.shardctrler;

import io.eraft.proto.shardctrlerpb.CommandRequest;
import io.eraft.proto.shardctrlerpb.CommandResponse;
import io.eraft.proto.shardctrlerpb.GetStatusRequest;
import io.eraft.proto.shardctrlerpb.GetStatusResponse;
import io.eraft.proto.shardctrlerpb.ShardCtrlerServiceGrpc;
import io.eraft.raft.rpc.GroupService;

/** eRaft's {@code shardctrlerpb.ShardCtrlerService}, which the server binds and the client calls. */
public final class CtrlerService {
  public static final GroupService<CommandRequest, CommandResponse> GRPC = GroupService.of(
      ShardCtrlerServiceGrpc.getServiceDescriptor(), ShardCtrlerServiceGrpc.getCommandMethod(),
      ShardCtrlerServiceGrpc.getGetStatusMethod(), GetStatusRequest.getDefaultInstance(),
      GetStatusResponse::newBuilder);

  private CtrlerService() {}
}
