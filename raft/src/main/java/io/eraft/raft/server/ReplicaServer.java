package io.eraft.raft.server;

import io.eraft.raft.RaftConfig;
import io.eraft.raft.RaftStatus;
import io.eraft.raft.StateMachine;
import io.eraft.raft.core.ClusterIds;
import io.eraft.raft.core.HardState;
import io.eraft.raft.health.ReplicaHealth;
import io.eraft.raft.node.RaftNode;
import io.eraft.raft.storage.LevelDbLogStore;
import io.eraft.raft.storage.LevelDbStateStore;
import io.eraft.raft.storage.StorageException;
import io.eraft.raft.trace.TracingServerInterceptor;
import io.eraft.raft.transport.GrpcTransport;
import io.eraft.raft.transport.GrpcTransportOptions;
import io.eraft.raft.transport.PeerClusterIds;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica of a Raft-replicated service, as every server binary runs it: the state machine in
 * LevelDB, the Raft log in LevelDB, and one gRPC port serving both the Raft peer service and the
 * application's services, with {@code grpc.health.v1.Health} (NOT_SERVING while starting, stopping
 * or installing a snapshot), server reflection (so {@code grpcurl} needs no proto files) and
 * go-grpc-prometheus's meters on every method; a client call carrying a {@code traceparent} is
 * served and logged under its trace id. Everything lives under the node's data directory:
 *
 * <pre>
 *   DIR/IDENTITY           whose directory this is ({@link DirectoryOwner})
 *   DIR/raft-log/          the Raft log and hard state ({@link LevelDbLogStore})
 *   DIR/state/             the state machine ({@link LevelDbStateStore})
 *   DIR/snapshot-staging/  snapshots being received
 * </pre>
 *
 * {@link #start} either returns a serving replica or throws having released everything it opened:
 * a port in use, a directory of another node, or one of another incarnation of the group (its
 * cluster id differs from the one its peers name) fails before any store is opened, a locked or
 * damaged directory before Raft starts.
 * Owns everything it opened; {@link #close()} releases it.
 *
 * @param <M> the state machine, which the application's services also read
 */
public final class ReplicaServer<M extends StateMachine<?>> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaServer.class);
  public static final String LOG_DIR = "raft-log";
  public static final String STATE_DIR = "state";
  private static final long SHUTDOWN_GRACE_SECONDS = 5;
  private static final Duration CLUSTER_CHECK_DEADLINE = Duration.ofSeconds(1);

  private final RaftNode<?> node;
  private final M machine;
  private final LevelDbStateStore store;
  private final Server server;
  private final String address;
  private final List<AutoCloseable> owned;
  private final GrpcHealth grpcHealth;
  private final ReplicaHealth health;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ReplicaServer(RaftNode<?> node, M machine, LevelDbStateStore store, Server server, String address,
      ReplicaServices services, GrpcHealth grpcHealth) {
    this.node = node;
    this.machine = machine;
    this.store = store;
    this.server = server;
    this.address = address;
    this.owned = services.owned();
    this.grpcHealth = grpcHealth;
    this.health = new ReplicaHealth(node, store, services.readyChecks());
  }

  /**
   * Opens the stores under {@code config.dataDir()}, listens on {@code addresses[config.id()]} and
   * starts Raft.
   *
   * @param service the service's name, recorded in the data directory ({@link DirectoryOwner})
   * @param group which of the service's groups this replica belongs to ("" for a service of one
   *     group), also recorded there
   * @param addresses every replica's {@code host:port}; a replica's id is its position
   * @param machine builds the state machine on the opened store
   * @param services the application's gRPC services and what else it owns, given the node (to
   *     which it may add leadership listeners: the node starts after this) and the state machine
   * @throws io.eraft.raft.storage.StorageException if the directory belongs to another replica or a
   *     store cannot be opened
   * @throws IOException if the port cannot be bound (the message says which and why)
   */
  public static <R, M extends StateMachine<R>> ReplicaServer<M> start(String service, String group, RaftConfig config,
      List<String> addresses, GrpcTransportOptions transportOptions, MeterRegistry registry, Function<LevelDbStateStore, M> machine,
      BiFunction<RaftNode<R>, M, ReplicaServices> services) throws IOException {
    if (config.id() < 0 || config.id() >= addresses.size()) {
      throw new IllegalArgumentException("id " + config.id() + " is not a position in the " + addresses.size()
          + " addresses");
    }
    Path dir = config.dataDir();
    String address = addresses.get((int) config.id());
    checkListenable(address); // before the stores are touched: a port in use changes no data
    DirectoryOwner.Claim claim = new DirectoryOwner(service, group, config.id(), addresses).claim(dir);
    refuseAnotherIncarnation(claim, config.id(), peerMap(addresses));
    AtomicReference<DirectoryOwner.Claim> claimed = new AtomicReference<>(claim);
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      LevelDbStateStore store = LevelDbStateStore.open(dir.resolve(STATE_DIR));
      opened.add(store);
      Gauge.builder("eraft.storage.db.size", store, LevelDbStateStore::sizeBytes).baseUnit(BaseUnits.BYTES)
          .description("Bytes of the state machine's LevelDB on disk").register(registry);
      M stateMachine = machine.apply(store);
      LevelDbLogStore log = LevelDbLogStore.open(dir.resolve(LOG_DIR));
      opened.add(log);
      GrpcTransport transport = new GrpcTransport(config.id(), peerMap(addresses), transportOptions, registry);
      opened.add(transport);
      RaftNode<R> node = RaftNode.<R>builder()
          .config(config)
          .stateMachine(stateMachine)
          .logStore(log)
          .transport(transport)
          .meterRegistry(registry)
          .clusterIdRecorder(clusterId -> claimed.set(claimed.get().withClusterId(clusterId)))
          .build();
      opened.add(node);
      ReplicaServices running = services.apply(node, stateMachine);
      opened.addAll(running.owned());
      GrpcHealth grpcHealth = new GrpcHealth();
      node.addSnapshotInstallListener(grpcHealth);
      List<BindableService> grpc = new ArrayList<>(running.grpc());
      grpc.add(grpcHealth.service());
      grpc.add(ProtoReflectionServiceV1.newInstance());
      Server server = listen(address, transportOptions, transport, grpc, new GrpcServerMetrics(registry));
      opened.add(() -> server.shutdownNow());
      node.start();
      grpcHealth.started();
      RaftStatus status = node.status();
      LOG.atInfo().addKeyValue("id", config.id()).addKeyValue("address", address).addKeyValue("dataDir", dir)
          .addKeyValue("appliedIndex", status.lastApplied()).addKeyValue("lastLogIndex", status.lastLogIndex())
          .log("replica serving");
      return new ReplicaServer<>(node, stateMachine, store, server, address, running, grpcHealth);
    } catch (IOException | RuntimeException e) {
      for (int i = opened.size() - 1; i >= 0; i--) {
        try {
          opened.get(i).close();
        } catch (Exception closeFailure) {
          e.addSuppressed(closeFailure);
        }
      }
      throw e;
    }
  }

  /**
   * A directory that belongs to a cluster its peers do not belong to is left from another
   * incarnation of this group (the group was made anew while it was away): joining with its log
   * could overwrite what the new incarnation committed. Peers that cannot answer now are not waited
   * for.
   */
  private static void refuseAnotherIncarnation(DirectoryOwner.Claim claim, long self, Map<Long, String> peers) {
    if (claim.clusterId() == HardState.NO_CLUSTER || peers.size() == 1) {
      return;
    }
    for (PeerClusterIds.Answer peer : PeerClusterIds.ask(self, peers, CLUSTER_CHECK_DEADLINE)) {
      if (peer.clusterId() != claim.clusterId()) {
        throw new StorageException("data directory " + claim.dir() + " belongs to cluster "
            + ClusterIds.format(claim.clusterId()) + ", but node " + peer.node() + " (" + peer.address()
            + ") belongs to cluster " + ClusterIds.format(peer.clusterId()) + ": the directory is left from "
            + "another incarnation of this group. Move it aside and start this node on an empty directory to "
            + "join cluster " + ClusterIds.format(peer.clusterId()) + " (it catches up from the leader)");
      }
    }
  }

  private static Map<Long, String> peerMap(List<String> addresses) {
    Map<Long, String> peers = new HashMap<>();
    for (int i = 0; i < addresses.size(); i++) {
      peers.put((long) i, addresses.get(i));
    }
    return peers;
  }

  private static void checkListenable(String address) throws IOException {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(socketAddress(address));
    } catch (IOException e) {
      throw cannotListen(address, e);
    }
  }

  private static InetSocketAddress socketAddress(String address) {
    return new InetSocketAddress(GroupAddresses.host(address), GroupAddresses.port(address));
  }

  private static IOException cannotListen(String address, IOException e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String why = cause instanceof BindException ? "address already in use or not local" : cause.getMessage();
    return new IOException("cannot listen on " + address + " (" + why + "): stop the process using it or fix the"
        + " address list", e);
  }

  private static Server listen(String address, GrpcTransportOptions options, GrpcTransport transport,
      List<BindableService> services, GrpcServerMetrics metrics) throws IOException {
    NettyServerBuilder builder = NettyServerBuilder
        .forAddress(socketAddress(address))
        .directExecutor() // every handler answers without blocking, completing futures later
        .maxInboundMessageSize(options.maxInboundMessageBytes())
        .permitKeepAliveTime(30, TimeUnit.SECONDS)
        .addService(metrics.intercept(transport.service().bindService()));
    TracingServerInterceptor tracing = new TracingServerInterceptor();
    services.forEach(service -> builder.addService(
        ServerInterceptors.intercept(metrics.intercept(service.bindService()), tracing)));
    try {
      return builder.build().start();
    } catch (IOException e) {
      throw cannotListen(address, e);
    }
  }

  public RaftNode<?> node() {
    return node;
  }

  public M machine() {
    return machine;
  }

  public String address() {
    return address;
  }

  /** The checks behind {@code /livez} and {@code /readyz}. */
  public ReplicaHealth health() {
    return health;
  }

  /** Stops Raft (failing what is outstanding), then the gRPC server, then closes the stores. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    grpcHealth.stopping();
    node.close();
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", owned.get(i), e);
      }
    }
    server.shutdown();
    try {
      if (!server.awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    store.close();
    LOG.atInfo().addKeyValue("id", node.id()).log("replica stopped");
  }
}
