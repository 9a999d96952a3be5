package io.eraft.raft.server;

import io.eraft.raft.SnapshotInstallListener;
import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;

/**
 * A replica's {@code grpc.health.v1.Health} status (for every service, name ""): NOT_SERVING until
 * Raft has started, while a snapshot is being installed, and for good once stopping begins
 * (grpc-java's terminal state), SERVING otherwise. Thread-safe.
 */
final class GrpcHealth implements SnapshotInstallListener {
  private final HealthStatusManager manager = new HealthStatusManager();
  private boolean started;
  private boolean installing;

  GrpcHealth() {
    update();
  }

  BindableService service() {
    return manager.getHealthService();
  }

  synchronized void started() {
    started = true;
    update();
  }

  @Override
  public synchronized void snapshotInstall(boolean installing, long index) {
    this.installing = installing;
    update();
  }

  /** Every later status change is ignored: clients should go elsewhere. */
  void stopping() {
    manager.enterTerminalState();
  }

  private synchronized void update() {
    manager.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
        started && !installing ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }
}
