package io.eraft.shardkv.server;

import io.eraft.proto.shardkvpb.CommandRequest;
import io.eraft.proto.shardkvpb.CommandResponse;
import io.eraft.proto.shardkvpb.GetStatusResponse;
import io.eraft.proto.shardkvpb.ShardKVServiceGrpc;
import io.eraft.raft.RaftConfig;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.raft.server.ReplicaServer;
import io.eraft.raft.server.ReplicaServices;
import io.eraft.raft.server.RequestCounter;
import io.eraft.raft.transport.GrpcTransportOptions;
import io.eraft.shardctrler.client.CtrlerClient;
import io.eraft.shardkv.ShardKvService;
import io.eraft.shardkv.client.GrpcShardKvNetwork;
import io.eraft.shardkv.client.ShardGroups;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Starts one {@code shardkvserver} replica: the shard state machine and {@code ShardKVService} on a
 * {@link ReplicaServer}, its migration work, and the clients it owns (the controllers, the other
 * groups), closed with it.
 */
public final class ShardKvReplica {
  private static final int REQUEST_OVERHEAD_BYTES = 4096;
  private static final Duration CTRLER_DEADLINE = Duration.ofSeconds(2);

  private ShardKvReplica() {}

  /**
   * See {@link ReplicaServer#start} for the data directory layout and failure behaviour.
   *
   * @param gid this replica's group, recorded in its data directory
   * @param addresses this group's replicas, by id
   * @param ctrlers the controllers' addresses
   */
  public static ReplicaServer<ShardStateMachine> start(RaftConfig config, int gid, List<String> addresses,
      List<String> ctrlers, ShardKvServerOptions options, MeterRegistry registry) throws IOException {
    if (gid <= 0) {
      throw new IllegalArgumentException("gid must be positive (gid 0 means \"no group\"), got " + gid);
    }
    return ReplicaServer.start("shardkv", Integer.toString(gid), config, addresses, transportOptions(options),
        registry, store -> new ShardStateMachine(store, gid), (node, machine) -> {
          CtrlerClient ctrlerClient = CtrlerClient.connect(ctrlers, RetryPolicy.DEFAULT, CTRLER_DEADLINE);
          ShardGroups groups = new ShardGroups(new GrpcShardKvNetwork(), RetryPolicy.DEFAULT);
          ShardKvServer server = new ShardKvServer(node, machine, options, addresses);
          ShardMigration migration = new ShardMigration(node, machine, ctrlerClient.newClerk(), groups, options);
          RequestCounter<CommandRequest, CommandResponse> requests = new RequestCounter<>(registry, "eraft.kv.requests",
              List.of("get", "put", "append"), request -> request.getOp().name(), CommandResponse::getErr);
          ShardKvMetrics.register(registry, machine);
          return new ReplicaServices(List.of(ShardKvService.GRPC.bind(requests.counting(server::command), server::status)
              .rpc(ShardKVServiceGrpc.getGetShardsDataMethod(), server::getShardsData)
              .rpc(ShardKVServiceGrpc.getDeleteShardsDataMethod(), server::deleteShardsData)
              .statusDetails(status -> server.statusDetails((GetStatusResponse.Builder) status))),
              List.of(ctrlerClient, groups, server, migration), // closed in reverse order
              List.of());
        });
  }

  /** Lets the port take the largest request the options allow, and a page of a shard. */
  static GrpcTransportOptions transportOptions(ShardKvServerOptions options) {
    GrpcTransportOptions defaults = GrpcTransportOptions.DEFAULTS;
    long needed = Math.max((long) options.maxValueBytes() + options.maxKeyBytes(), 2L * options.pageBytes())
        + REQUEST_OVERHEAD_BYTES;
    return needed <= defaults.maxInboundMessageBytes() ? defaults
        : defaults.withMaxInboundMessageBytes((int) Math.min(Integer.MAX_VALUE, needed));
  }
}
