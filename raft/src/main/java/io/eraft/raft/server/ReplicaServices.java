package io.eraft.raft.server;

import io.eraft.raft.health.HealthCheck;
import io.grpc.BindableService;
import java.util.List;

/**
 * What a service runs on a replica: its gRPC services, what else it owns (clients of other groups,
 * {@link LeaderTask}s), which the replica closes, in reverse order, once Raft has stopped and
 * before its stores close, and the service's own checks of {@code /readyz}.
 */
public record ReplicaServices(List<BindableService> grpc, List<AutoCloseable> owned, List<HealthCheck> readyChecks) {
  public ReplicaServices {
    grpc = List.copyOf(grpc);
    owned = List.copyOf(owned);
    readyChecks = List.copyOf(readyChecks);
  }

  /** Services that own nothing else and add no checks. */
  public static ReplicaServices of(BindableService... grpc) {
    return new ReplicaServices(List.of(grpc), List.of(), List.of());
  }
}
