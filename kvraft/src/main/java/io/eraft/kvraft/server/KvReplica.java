package io.eraft.kvraft.server;

import io.eraft.kvraft.KvService;
import io.eraft.proto.kvraftpb.CommandRequest;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.raft.RaftConfig;
import io.eraft.raft.server.ReplicaServer;
import io.eraft.raft.server.ReplicaServices;
import io.eraft.raft.server.RequestCounter;
import io.eraft.raft.transport.GrpcTransportOptions;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.List;

/** Starts one {@code kvserver} replica: the KV state machine and {@code KVService} on a {@link ReplicaServer}. */
public final class KvReplica {
  private static final int REQUEST_OVERHEAD_BYTES = 4096;

  private KvReplica() {}

  /** See {@link ReplicaServer#start} for the data directory layout and failure behaviour. */
  public static ReplicaServer<KvStateMachine> start(RaftConfig config, List<String> addresses,
      KvServerOptions options, MeterRegistry registry) throws IOException {
    return ReplicaServer.start("kvraft", "", config, addresses, transportOptions(options), registry,
        KvStateMachine::new, (node, machine) -> {
          KvServer server = new KvServer(node, machine, options, addresses);
          RequestCounter<CommandRequest, CommandResponse> requests = new RequestCounter<>(registry, "eraft.kv.requests",
              List.of("get", "put", "append"), request -> request.getOp().name(), CommandResponse::getErr);
          return ReplicaServices.of(KvService.GRPC.bind(requests.counting(server::command), server::status));
        });
  }

  /** Lets the port take the largest request the options allow (gRPC refuses larger messages). */
  static GrpcTransportOptions transportOptions(KvServerOptions options) {
    GrpcTransportOptions defaults = GrpcTransportOptions.DEFAULTS;
    long needed = (long) options.maxValueBytes() + options.maxKeyBytes() + REQUEST_OVERHEAD_BYTES;
    return needed <= defaults.maxInboundMessageBytes() ? defaults
        : defaults.withMaxInboundMessageBytes((int) Math.min(Integer.MAX_VALUE, needed));
  }
}
