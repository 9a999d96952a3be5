package io.eraft.raft.node;

import com.google.protobuf.ByteString;
import io.eraft.raft.LeadershipListener;
import io.eraft.raft.ProposalFailedException;
import io.eraft.raft.RaftConfig;
import io.eraft.raft.RaftStatus;
import io.eraft.raft.SnapshotInstallListener;
import io.eraft.raft.StateMachine;
import io.eraft.raft.core.CoreConfig;
import io.eraft.raft.core.InstallSnapshot;
import io.eraft.raft.core.InstallSnapshotResponse;
import io.eraft.raft.core.RaftCore;
import io.eraft.raft.core.RaftMessage;
import io.eraft.raft.core.SnapshotMeta;
import io.eraft.raft.storage.LogStore;
import io.eraft.raft.transport.InboundHandler;
import io.eraft.raft.transport.SnapshotChunk;
import io.eraft.raft.transport.SnapshotChunkReply;
import io.eraft.raft.transport.Transport;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running parts of a {@code RaftNode}: recovery at assembly, then the raft loop, the apply
 * thread and the ticker ({@code raft-tick-<id>}), and the inbound side of the transport. Internal:
 * services use {@code io.eraft.raft.node.RaftNode}. Thread-safe.
 *
 * @param <R> the state machine's result type
 */
public final class NodeRuntime<R> implements InboundHandler {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);

  private final RaftConfig config;
  private final LogStore log;
  private final Transport transport;
  private final Applier<R> applier;
  private final RaftLoop<R> loop;
  private final SnapshotReceiver snapshots;
  private final NodeMetrics metrics;
  private final ScheduledExecutorService ticker;
  private final ExecutorService snapshotThread;
  private final AtomicLong missedTicks = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  private NodeRuntime(RaftConfig config, StateMachine<R> stateMachine, LogStore log, Transport transport,
      MeterRegistry registry, LongConsumer clusterIdRecorder) {
    this.config = config;
    this.log = log;
    this.transport = transport;
    long id = config.id();
    SnapshotMeta applied = stateMachine.applied();
    StartupRecovery.alignLog(log, applied);
    CoreConfig coreConfig = new CoreConfig(id, config.peers(), config.electionTicks(), config.heartbeatTicks(),
        config.preVote(), config.checkQuorum(), config.maxBytesPerMessage(), config.maxInflightMessages(),
        config.maxInflightBytes(), config.maxBytesPerMessage() * 4, applied.index(),
        new Random(config.randomSeed()), LoggerFactory.getLogger(RaftCore.class));
    RaftCore core = new RaftCore(coreConfig, log);
    PendingProposals<R> proposals = new PendingProposals<>();
    this.snapshots = new SnapshotReceiver(config.dataDir().resolve("snapshot-staging"));
    this.metrics = new NodeMetrics(registry, id, config.peers(), this::status, proposals::size);
    this.applier = new Applier<>(id, stateMachine, proposals, config.snapshotThresholdBytes(),
        this::compactionPossible, this::applyFailed, metrics);
    this.loop = new RaftLoop<>(id, config.peers(), core, log, transport, applier, snapshots, proposals, metrics,
        config.compactionRetainEntries(), config.maxPendingProposals(), clusterIdRecorder, this::failed);
    this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("raft-tick-" + id));
    this.snapshotThread = Executors.newSingleThreadExecutor(daemon("raft-snapshot-" + id));
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Aligns the log with the state machine and builds the core; starts nothing yet. */
  public static <R> NodeRuntime<R> assemble(RaftConfig config, StateMachine<R> stateMachine, LogStore log,
      Transport transport, MeterRegistry registry, LongConsumer clusterIdRecorder) {
    return new NodeRuntime<>(config, stateMachine, log, transport, registry, clusterIdRecorder);
  }

  public void addLeadershipListener(LeadershipListener listener) {
    loop.addLeadershipListener(listener);
  }

  public void addSnapshotInstallListener(SnapshotInstallListener listener) {
    applier.addInstallListener(listener);
  }

  public void start() {
    applier.start();
    loop.start();
    transport.start(this);
    long tickNanos = config.tickInterval().toNanos();
    ticker.scheduleAtFixedRate(this::tick, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
  }

  public CompletableFuture<R> propose(ByteString command) {
    CompletableFuture<R> future = new CompletableFuture<>();
    future.whenComplete((r, e) -> {
      if (e instanceof ProposalFailedException failed) {
        metrics.proposalFailed(failed.reason());
      }
    });
    loop.submitProposal(command, future);
    return future;
  }

  public CompletableFuture<Long> readIndex() {
    CompletableFuture<Long> future = new CompletableFuture<>();
    loop.submitRead(future);
    return future;
  }

  public RaftStatus status() {
    return loop.status();
  }

  public long lastLoopCycleNanos() {
    return loop.lastCycleNanos();
  }

  private void compactionPossible(long durableIndex) {
    loop.submitCompaction(durableIndex);
  }

  private void applyFailed(Throwable cause) {
    loop.submitFailure(cause);
  }

  private void tick() {
    // Warn on sustained lag only: a tick or two lost to JIT warm-up or a GC pause is harmless.
    if (!loop.submitTick() && missedTicks.incrementAndGet() % 100 == 0) {
      LOG.warn("node {} raft loop is not keeping up with its clock ({} ticks missed so far); "
          + "a slow disk or an overloaded CPU delays heartbeats and elections", config.id(), missedTicks.get());
    }
  }

  // ---- InboundHandler (transport threads) --------------------------------------------------

  @Override
  public CompletableFuture<RaftMessage> handleRequest(RaftMessage request) {
    return loop.submitRequest(request);
  }

  @Override
  public void handleResponse(RaftMessage response) {
    loop.submitResponse(response);
  }

  @Override
  public void peerUnreachable(long peer) {
    loop.submitUnreachable(peer);
  }

  /** Stages chunks on the snapshot thread: writing and syncing a file must not hold a transport thread. */
  @Override
  public CompletableFuture<SnapshotChunkReply> handleSnapshotChunk(SnapshotChunk chunk) {
    return CompletableFuture.supplyAsync(() -> stage(chunk), snapshotThread).thenCompose(staged -> staged);
  }

  private CompletableFuture<SnapshotChunkReply> stage(SnapshotChunk chunk) {
    long term = status().term();
    if (chunk.term() < term) {
      return CompletableFuture.completedFuture(new SnapshotChunkReply(term, 0, 0));
    }
    long next;
    try {
      next = snapshots.accept(chunk);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (!chunk.done() || next != chunk.offset() + chunk.data().size()) {
      return CompletableFuture.completedFuture(new SnapshotChunkReply(term, next, 0));
    }
    // The whole snapshot is staged: let the core decide whether to install it.
    InstallSnapshot whole = new InstallSnapshot(chunk.from(), config.id(), chunk.term(),
        chunk.lastIncludedIndex(), chunk.lastIncludedTerm(), 0);
    return loop.submitRequest(whole).thenApply(answer -> {
      InstallSnapshotResponse r = (InstallSnapshotResponse) answer;
      return new SnapshotChunkReply(r.term(), next, r.matchIndex());
    });
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  private void failed(Throwable cause) {
    LOG.error("node {} stopped after a failure; restart it once the cause is fixed: {}", config.id(),
        cause.getMessage());
    ticker.shutdownNow();
  }

  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ticker.shutdownNow();
    snapshotThread.shutdownNow();
    try {
      loop.stop();
      applier.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      transport.close();
      try {
        snapshots.close();
      } catch (IOException e) {
        LOG.warn("node {} could not close its snapshot staging file: {}", config.id(), e.getMessage());
      }
      log.close();
    }
  }
}
