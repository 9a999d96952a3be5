package io.eraft.kvraft;

import io.eraft.proto.kvraftpb.CommandRequest;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.proto.kvraftpb.GetStatusRequest;
import io.eraft.proto.kvraftpb.GetStatusResponse;
import io.eraft.proto.kvraftpb.KVServiceGrpc;
import io.eraft.raft.rpc.GroupService;

/** eRaft's {@code kvraftpb.KVService}, which the server binds and the client calls. */
public final class KvService {
  public static final GroupService<CommandRequest, CommandResponse> GRPC = GroupService.of(
      KVServiceGrpc.getServiceDescriptor(), KVServiceGrpc.getCommandMethod(), KVServiceGrpc.getGetStatusMethod(),
      GetStatusRequest.getDefaultInstance(), GetStatusResponse::newBuilder);

  private KvService() {}
}
