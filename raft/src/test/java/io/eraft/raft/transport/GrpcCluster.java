package io.eraft.raft.transport;

import static io.eraft.raft.transport.RecordingHandler.WAIT_SECONDS;

import io.eraft.proto.raftpb.RaftServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.util.MutableHandlerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link GrpcTransport}s on real gRPC servers at 127.0.0.1 (free ports), each node with a
 * {@link RecordingHandler} and its own meters, for {@link GrpcTransportTest} and
 * {@link GrpcTransportContractTest}. Owns every server, transport and channel it starts, released by
 * {@link #close()}. Not thread-safe: one test thread sets it up.
 */
final class GrpcCluster implements TransportContractTest.Cluster {
  /** One node: its transport, what its handler saw, and its meters. */
  record Node(long id, GrpcTransport transport, RecordingHandler handler, SimpleMeterRegistry meters) {
    double counter(String name, String tag, long peer) {
      return meters.get(name).tag(tag, Long.toString(peer)).counter().count();
    }
  }

  private final GrpcTransportOptions options;
  private final Map<Long, String> addresses = new HashMap<>();
  private final Map<Long, Node> nodes = new HashMap<>();
  private final Map<Long, Server> serverOf = new HashMap<>();
  private final List<Server> servers = new ArrayList<>();
  private final List<GrpcTransport> transports = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  private GrpcCluster(GrpcTransportOptions options) {
    this.options = options;
  }

  /**
   * Nodes 1..n, each serving on its own server, and for each id in {@code down} an address nothing
   * listens on. Every node knows all the addresses.
   */
  static GrpcCluster start(int n, GrpcTransportOptions options, long... down) {
    GrpcCluster c = new GrpcCluster(options);
    Map<Long, MutableHandlerRegistry> services = new HashMap<>();
    for (long id = 1; id <= n; id++) {
      MutableHandlerRegistry registry = new MutableHandlerRegistry();
      services.put(id, registry);
      Server server = c.startServer(0, registry);
      c.serverOf.put(id, server);
      c.addresses.put(id, "127.0.0.1:" + server.getPort());
    }
    for (long id : down) {
      c.addresses.put(id, "127.0.0.1:" + unusedPort());
    }
    services.forEach((id, registry) -> c.startNode(id, registry));
    return c;
  }

  Node node(long id) {
    return nodes.get(id);
  }

  /** Every node's {@code host:port}, down ones included. */
  Map<Long, String> addresses() {
    return addresses;
  }

  GrpcTransportOptions options() {
    return options;
  }

  /** Starts node {@code id}'s transport, registered on {@code services}, with a new handler. */
  Node startNode(long id, MutableHandlerRegistry services) {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    meters.config().onMeterRegistrationFailed((meter, reason) -> {
      throw new IllegalStateException(reason);
    });
    GrpcTransport transport = track(new GrpcTransport(id, addresses, options, meters));
    services.addService(transport.service());
    RecordingHandler handler = new RecordingHandler();
    transport.start(handler);
    Node node = new Node(id, transport, handler, meters);
    nodes.put(id, node);
    return node;
  }

  /** A server on 127.0.0.1 ({@code port} 0 for a free one) serving whatever {@code services} holds. */
  Server startServer(int port, MutableHandlerRegistry services) {
    return startServer(port, services, options.maxInboundMessageBytes(), servers);
  }

  /** As above, for tests with their own server list (closed by whoever owns {@code tracked}). */
  static Server startServer(int port, MutableHandlerRegistry services, int maxInboundBytes, List<Server> tracked) {
    try {
      Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
          .directExecutor()
          .fallbackHandlerRegistry(services)
          .maxInboundMessageSize(maxInboundBytes)
          .build()
          .start();
      tracked.add(server);
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a gRPC server on 127.0.0.1:" + port, e);
    }
  }

  /** Closes {@code transport} with the cluster. */
  GrpcTransport track(GrpcTransport transport) {
    transports.add(transport);
    return transport;
  }

  /** A raw client of the RaftService at {@code address}, for calls a transport would not make. */
  RaftServiceGrpc.RaftServiceBlockingStub stub(String address) {
    ManagedChannel channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
    channels.add(channel);
    return RaftServiceGrpc.newBlockingStub(channel).withDeadlineAfter(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  // ---- TransportContractTest.Cluster --------------------------------------------------------

  @Override
  public Transport transport(long id) {
    return nodes.get(id).transport();
  }

  @Override
  public RecordingHandler handler(long id) {
    return nodes.get(id).handler();
  }

  /** Shuts node {@code id}'s server down at once: calls in progress are cancelled. */
  @Override
  public void stop(long id) {
    serverOf.get(id).shutdownNow();
  }

  @Override
  public Transport unstarted(long id) {
    return track(new GrpcTransport(id, addresses, options, new SimpleMeterRegistry()));
  }

  @Override
  public void close() {
    transports.forEach(GrpcTransport::close);
    channels.forEach(ManagedChannel::shutdownNow);
    try {
      for (Server server : servers) {
        server.shutdownNow();
        if (!server.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)) {
          throw new IllegalStateException("a gRPC server did not stop within " + WAIT_SECONDS + " s");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  private static int unusedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on 127.0.0.1", e);
    }
  }
}
