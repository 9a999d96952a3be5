package io.eraft.raft.server;

import io.grpc.BindableService;
import java.util.List;

/**
 * What a service runs on a replica: its gRPC services, and what else it owns (clients of other
 * groups, {@link LeaderTask}s), which the replica closes, in reverse order, once Raft has stopped
 * and before its stores close.
 */
public record ReplicaServices(List<BindableService> grpc, List<AutoCloseable> owned) {
  public ReplicaServices {
    grpc = List.copyOf(grpc);
    owned = List.copyOf(owned);
  }

  /** Services that own nothing else. */
  public static ReplicaServices of(BindableService... grpc) {
    return new ReplicaServices(List.of(grpc), List.of());
  }
}
