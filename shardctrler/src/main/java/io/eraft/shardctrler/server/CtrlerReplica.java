package io.eraft.shardctrler.server;

import io.eraft.proto.shardctrlerpb.CommandRequest;
import io.eraft.proto.shardctrlerpb.CommandResponse;
import io.eraft.raft.RaftConfig;
import io.eraft.raft.server.ReplicaServer;
import io.eraft.raft.server.ReplicaServices;
import io.eraft.raft.server.RequestCounter;
import io.eraft.raft.transport.GrpcTransportOptions;
import io.eraft.shardctrler.CtrlerService;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Starts one {@code shardctrler} replica: the config state machine and its service on a {@link ReplicaServer}. */
public final class CtrlerReplica {
  /** eRaft's ExecuteTimeout. */
  public static final Duration EXECUTE_TIMEOUT = Duration.ofMillis(500);

  private CtrlerReplica() {}

  /** See {@link ReplicaServer#start} for the data directory layout and failure behaviour. */
  public static ReplicaServer<ConfigStateMachine> start(RaftConfig config, List<String> addresses,
      Duration executeTimeout, MeterRegistry registry) throws IOException {
    return ReplicaServer.start("shardctrler", "", config, addresses, GrpcTransportOptions.DEFAULTS, registry,
        ConfigStateMachine::new, (node, machine) -> {
          CtrlerServer server = new CtrlerServer(node, machine, executeTimeout, addresses);
          RequestCounter<CommandRequest, CommandResponse> requests = new RequestCounter<>(registry,
              "eraft.shardctrler.requests", List.of("join", "leave", "move", "query"),
              request -> request.getOp().name(), CommandResponse::getErr);
          ConfigMetrics.register(registry, machine);
          return ReplicaServices.of(CtrlerService.GRPC.bind(requests.counting(server::command), server::status));
        });
  }
}
