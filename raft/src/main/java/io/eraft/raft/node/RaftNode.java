package io.eraft.raft.node;

import com.google.protobuf.ByteString;
import io.eraft.raft.LeadershipListener;
import io.eraft.raft.ProposalFailedException;
import io.eraft.raft.RaftConfig;
import io.eraft.raft.RaftStatus;
import io.eraft.raft.SnapshotInstallListener;
import io.eraft.raft.StateMachine;
import io.eraft.raft.core.RaftCore;
import io.eraft.raft.storage.LogStore;
import io.eraft.raft.transport.Transport;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * One member of a Raft group: what a service uses to replicate commands. It drives a deterministic
 * {@link RaftCore} with three threads — the raft loop, the apply thread, and a ticker — and wires
 * them to the {@link StateMachine}, the durable {@link LogStore} and the {@link Transport}.
 *
 * <p>Lifecycle: {@link #builder()}, {@link #start()}, then {@link #propose} and {@link #readIndex}
 * from any thread, {@link #close()} once. Thread-safe. Owns the log store and the transport (closes
 * them); does not own the state machine or the meter registry.
 *
 * @param <R> what applying a command returns to its proposer
 */
public final class RaftNode<R> implements AutoCloseable {
  private final RaftConfig config;
  private final NodeRuntime<R> runtime;

  private RaftNode(RaftConfig config, NodeRuntime<R> runtime) {
    this.config = config;
    this.runtime = runtime;
  }

  public static <R> Builder<R> builder() {
    return new Builder<>();
  }

  /** Starts the threads and begins serving peers. */
  public RaftNode<R> start() {
    runtime.start();
    return this;
  }

  /**
   * Replicates {@code command} and completes with what the state machine returned for it, once
   * applied here. Fails with {@link ProposalFailedException} (never applied: NOT_LEADER,
   * LEADERSHIP_LOST, OVERLOADED; maybe applied: OUTCOME_UNKNOWN, STOPPED). Never blocks; the
   * caller bounds the wait (eRaft answers {@code ErrTimeout} after 500 ms).
   */
  public CompletableFuture<R> propose(ByteString command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("a command must not be empty (an empty entry is a no-op)");
    }
    return runtime.propose(command);
  }

  /**
   * A linearizable read point (ReadIndex, thesis §6.4): completes with an index once this node has
   * confirmed it leads and applied through that index, so reading the state machine then observes
   * every write that completed before this call. Fails with NOT_LEADER on a follower. Writes no log
   * entry.
   */
  public CompletableFuture<Long> readIndex() {
    return runtime.readIndex();
  }

  /**
   * Tells {@code listener} each time this node starts or stops leading (on the raft loop: it must
   * return quickly). Add listeners before {@link #start()}; a node that stops while leading tells
   * them it stopped.
   */
  public void addLeadershipListener(LeadershipListener listener) {
    runtime.addLeadershipListener(listener);
  }

  /** Tells {@code listener} when this node starts and ends installing a snapshot (add before {@link #start()}). */
  public void addSnapshotInstallListener(SnapshotInstallListener listener) {
    runtime.addSnapshotInstallListener(listener);
  }

  public RaftStatus status() {
    return runtime.status();
  }

  /**
   * How long ago the raft loop last finished a cycle. It runs one at least every tick, so a value
   * of many ticks means the loop is wedged (or the process starved): what {@code /livez} checks.
   */
  public Duration sinceLastLoopCycle() {
    return Duration.ofNanos(System.nanoTime() - runtime.lastLoopCycleNanos());
  }

  public long id() {
    return config.id();
  }

  /** Stops the threads, fails outstanding work with STOPPED, closes the transport and the log. */
  @Override
  public void close() {
    runtime.close();
  }

  /** Collects the node's collaborators; {@link #build()} recovers state and creates the core. */
  public static final class Builder<R> {
    private RaftConfig config;
    private StateMachine<R> stateMachine;
    private LogStore logStore;
    private Transport transport;
    private MeterRegistry meterRegistry;
    private LongConsumer clusterIdRecorder = clusterId -> { };

    public Builder<R> config(RaftConfig config) {
      this.config = config;
      return this;
    }

    public Builder<R> stateMachine(StateMachine<R> stateMachine) {
      this.stateMachine = stateMachine;
      return this;
    }

    public Builder<R> logStore(LogStore logStore) {
      this.logStore = logStore;
      return this;
    }

    public Builder<R> transport(Transport transport) {
      this.transport = transport;
      return this;
    }

    public Builder<R> meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = meterRegistry;
      return this;
    }

    /**
     * Where to record the node's cluster id (see {@code RaftCore.clusterId}) when it learns or
     * changes it: called on the raft loop, before the hard state that carries it is written.
     */
    public Builder<R> clusterIdRecorder(LongConsumer clusterIdRecorder) {
      this.clusterIdRecorder = clusterIdRecorder;
      return this;
    }

    public RaftNode<R> build() {
      if (config == null || stateMachine == null || logStore == null || transport == null || meterRegistry == null) {
        throw new IllegalStateException("RaftNode needs a config, state machine, log store, transport and meter registry");
      }
      return new RaftNode<>(config, NodeRuntime.assemble(config, stateMachine, logStore, transport, meterRegistry,
          clusterIdRecorder));
    }
  }
}
