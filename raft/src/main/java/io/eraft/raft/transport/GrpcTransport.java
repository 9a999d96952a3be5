package io.eraft.raft.transport;

import io.eraft.raft.SnapshotSource;
import io.eraft.raft.core.AppendEntries;
import io.eraft.raft.core.InstallSnapshotResponse;
import io.eraft.raft.core.RaftMessage;
import io.eraft.raft.core.GroupQuery;
import io.eraft.raft.core.RequestVote;
import io.grpc.BindableService;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Transport} over gRPC: eRaft's {@code raftpb.RaftService}, plus its {@code
 * AppendEntriesStream} RPC that carries AppendEntries over one long-lived call per peer.
 *
 * <p><b>Server side.</b> {@link #service()} is the RaftService implementation. The caller registers
 * it on its own gRPC server, which also serves the application, and owns that server. The service
 * never blocks, so a {@code directExecutor()} server is fine. It serves eRaft's unary RPCs
 * unchanged, for clients built from eRaft's protos, and {@code AppendEntriesStream} (answers in
 * request order). {@link #close()} ends the open streams, so close the transport before a graceful
 * {@code Server.shutdown()}, which otherwise waits for them. Give the server {@code
 * maxInboundMessageSize(options.maxInboundMessageBytes())}: gRPC's 4 MiB default would refuse large
 * AppendEntries batches and snapshot chunks. Calls before {@link #start} or after {@link #close} are
 * answered {@code UNAVAILABLE}, malformed ones or ones from a sender that is not a peer {@code
 * INVALID_ARGUMENT}. Peer channels send keepalive pings every 30 s, but only on a connection that
 * is silent while calls are outstanding (a half-open one); a server with gRPC's default {@code
 * permitKeepAliveTime} (5 min) answers those with GOAWAY, which only costs a reconnect, and {@code
 * permitKeepAliveTime(30, SECONDS)} avoids it.
 *
 * <p><b>Client side.</b> One plaintext channel per peer, connecting on first use. An AppendEntries
 * (heartbeats included) is one message on the peer's stream, opened on first use and replaced after
 * it fails: a unary call per message would cost HTTP/2 headers and HPACK work each time, which
 * dominated a 3-node benchmark's CPU. A RequestVote is one unary call with {@link
 * GrpcTransportOptions#rpcTimeout()} as deadline. A request on the stream without an answer after
 * {@code rpcTimeout} (checked every quarter of it by a timer thread, {@code eraft-transport-timer-<id>-1})
 * cancels the stream. Nothing is retried: each request's answer goes to {@link
 * InboundHandler#handleResponse}, or any failure (refused, deadline, stream broken, too many
 * outstanding) to {@link InboundHandler#peerUnreachable} — exactly one of the two, on a gRPC or timer
 * thread or, for a request dropped at once, on the sending thread. A peer without {@code
 * AppendEntriesStream} (eRaft's servers answer {@code UNIMPLEMENTED}) gets unary AppendEntries.
 *
 * <p><b>Snapshots.</b> {@link #sendSnapshot} streams on a snapshot thread, chunk by chunk, each
 * awaited. There are as many snapshot threads as peers; a snapshot beyond that fails at once. It fails with {@link
 * HigherTermException} when the peer's term is higher, with {@link SnapshotSendException} otherwise.
 *
 * <p><b>Lifecycle.</b> Construct, {@link #start}, send, {@link #close}. {@link #send} before {@link
 * #start} throws {@link IllegalStateException}. After {@link #close}, {@link #send} reports the peer
 * unreachable (so a node loop racing its own shutdown needs no special case) and {@link
 * #sendSnapshot} returns a future failed with {@link SnapshotSendException}.
 *
 * <p>Thread-safe. Owns its channels, timer and snapshot threads, released by {@link #close()}; does not own
 * the gRPC server or the {@link MeterRegistry}.
 */
public final class GrpcTransport implements Transport {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcTransport.class);

  /** How long {@link #close()} waits for channels and snapshot threads to finish. */
  private static final long CLOSE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** Idle snapshot threads exit after this long. */
  private static final long SNAPSHOT_THREAD_IDLE_SECONDS = 30;

  private final long self;
  private final GrpcTransportOptions options;
  private final Map<Long, PeerMetrics> metrics;
  private final Map<Long, PeerClient> clients;
  private final RaftServiceAdapter service;
  private final ThreadPoolExecutor snapshotThreads;
  private final ScheduledThreadPoolExecutor timer;
  private final AtomicReference<InboundHandler> handler = new AtomicReference<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Creates the peer channels (they connect on first use) and registers the peer meters.
   *
   * @param self this node's id
   * @param peerAddresses every peer's id and {@code host:port}; an entry for {@code self} is ignored
   * @param options deadlines and limits
   * @param meterRegistry where the {@code eraft_network_*} meters go; not closed by this transport
   * @throws IllegalArgumentException if an address is not {@code host:port}
   */
  public GrpcTransport(
      long self, Map<Long, String> peerAddresses, GrpcTransportOptions options, MeterRegistry meterRegistry) {
    this.self = self;
    this.options = options;
    Map<Long, PeerMetrics> meters = new HashMap<>();
    Map<Long, PeerClient> channels = new HashMap<>();
    peerAddresses.forEach((peer, address) -> {
      if (peer != self) {
        checkAddress(peer, address);
        PeerMetrics m = new PeerMetrics(meterRegistry, peer);
        meters.put(peer, m);
        channels.put(peer, new PeerClient(self, peer, address, options, m));
      }
    });
    this.metrics = Map.copyOf(meters);
    this.clients = Map.copyOf(channels);
    this.service = new RaftServiceAdapter(self, metrics, options.maxOutstandingRequestsPerPeer());
    this.snapshotThreads = new ThreadPoolExecutor(0, Math.max(1, clients.size()), SNAPSHOT_THREAD_IDLE_SECONDS,
        TimeUnit.SECONDS, new SynchronousQueue<>(), threadFactory("eraft-snapshot-send-" + self + "-"));
    this.timer = new ScheduledThreadPoolExecutor(1, threadFactory("eraft-transport-timer-" + self + "-"));
  }

  /** The {@code raftpb.RaftService} to register on the caller's gRPC server. */
  public BindableService service() {
    return service;
  }

  /** @throws IllegalStateException if already started or closed */
  @Override
  public void start(InboundHandler inbound) {
    if (closed.get()) {
      throw new IllegalStateException("transport of node " + self + " is closed");
    }
    if (!handler.compareAndSet(null, inbound)) {
      throw new IllegalStateException("transport of node " + self + " is already started");
    }
    service.attach(inbound);
    long periodNanos = Math.max(1, options.rpcTimeout().toNanos() / 4);
    try {
      timer.scheduleWithFixedDelay(this::expireStreams, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // close() ran concurrently and shut the timer down; nothing is sent from here on.
    }
    if (closed.get()) {
      service.detach(); // close() ran between the checks above and attach
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException for another kind, a sender other than this node, or an unknown
   *     peer
   * @throws IllegalStateException before {@link #start}
   */
  @Override
  public void send(RaftMessage request) {
    if (!(request instanceof RequestVote) && !(request instanceof AppendEntries) && !(request instanceof GroupQuery)) {
      throw new IllegalArgumentException("GrpcTransport.send carries RequestVote, AppendEntries and GroupQuery only, not "
          + request.getClass().getSimpleName() + "; snapshots go through sendSnapshot");
    }
    if (request.from() != self) {
      throw new IllegalArgumentException("node " + self + " cannot send a request from " + request.from());
    }
    PeerClient client = client(request.to());
    InboundHandler h = handler.get();
    if (h == null) {
      throw new IllegalStateException("send before start() on the transport of node " + self);
    }
    if (closed.get()) {
      h.peerUnreachable(request.to());
      return;
    }
    client.send(request, h);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException for an unknown peer or a term below 1 ({@code snapshot} is
   *     closed first)
   */
  @Override
  public CompletableFuture<InstallSnapshotResponse> sendSnapshot(long to, long term, SnapshotSource snapshot) {
    PeerClient client;
    try {
      client = client(to);
      if (term < 1) {
        throw new IllegalArgumentException("a leader's term is at least 1, got " + term);
      }
    } catch (IllegalArgumentException e) {
      snapshot.close();
      throw e;
    }
    SnapshotTransfer transfer =
        new SnapshotTransfer(self, to, term, snapshot, client, metrics.get(to), options.snapshotChunkBytes());
    try {
      snapshotThreads.execute(transfer);
    } catch (RejectedExecutionException e) {
      transfer.reject(closed.get() ? "transport is closed" : "every snapshot thread is busy");
    }
    return transfer.future();
  }

  /**
   * Stops serving (later calls and open inbound streams get {@code UNAVAILABLE}), cancels outstanding
   * calls and streams (each request reported unreachable) and running snapshots (each failed), and
   * waits up to 5 s for the channels and threads to end. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    service.detach();
    timer.shutdownNow();
    snapshotThreads.shutdownNow();
    clients.values().forEach(PeerClient::shutdownNow);
    long deadline = System.nanoTime() + CLOSE_TIMEOUT_NANOS;
    try {
      boolean terminated = true;
      for (PeerClient client : clients.values()) {
        terminated &= client.awaitTermination(deadline - System.nanoTime());
      }
      terminated &= snapshotThreads.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      terminated &= timer.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (!terminated) {
        LOG.warn("transport of node {} did not release all channels and threads within 5 s", self);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private PeerClient client(long peer) {
    PeerClient client = clients.get(peer);
    if (client == null) {
      throw new IllegalArgumentException("node " + self + " has no peer " + peer + " (peers: " + clients.keySet() + ")");
    }
    return client;
  }

  private static void checkAddress(long peer, String address) {
    int colon = address == null ? -1 : address.lastIndexOf(':');
    boolean valid = colon > 0;
    if (valid) {
      try {
        int port = Integer.parseInt(address.substring(colon + 1));
        valid = port > 0 && port < 65536;
      } catch (NumberFormatException e) {
        valid = false;
      }
    }
    if (!valid) {
      throw new IllegalArgumentException("address of peer " + peer + " must be host:port, got '" + address + "'");
    }
  }

  /** Runs on the timer thread: times out or closes the peers' AppendEntries streams. */
  private void expireStreams() {
    try {
      long now = System.nanoTime();
      clients.values().forEach(c -> c.expireStreams(now));
    } catch (RuntimeException e) {
      // Top of the timer thread (STYLE S11): an exception would silently cancel every later run.
      LOG.error("transport of node {} failed to check its streams' deadlines", self, e);
    }
  }

  private static ThreadFactory threadFactory(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread t = new Thread(task, prefix + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
