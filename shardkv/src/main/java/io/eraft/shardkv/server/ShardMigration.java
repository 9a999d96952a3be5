package io.eraft.shardkv.server;

import com.google.protobuf.ByteString;
import io.eraft.proto.shardkvlog.LogCommand;
import io.eraft.proto.shardkvlog.ShardPage;
import io.eraft.proto.shardkvpb.CommandResponse;
import io.eraft.proto.shardkvpb.ShardOperationRequest;
import io.eraft.proto.shardkvpb.ShardOperationResponse;
import io.eraft.raft.client.LeaderCaller;
import io.eraft.raft.client.Retry;
import io.eraft.raft.node.RaftNode;
import io.eraft.raft.server.LeaderTask;
import io.eraft.raft.trace.Traceparent;
import io.eraft.shardctrler.client.CtrlerClerk;
import io.eraft.shardctrler.config.ConfigCodec;
import io.eraft.shardctrler.config.ShardConfig;
import io.eraft.shardkv.ShardKvError;
import io.eraft.shardkv.client.ShardGroups;
import io.eraft.shardkv.client.ShardKvEndpoint;
import io.eraft.shardkv.shards.GroupShards;
import io.eraft.shardkv.shards.Holder;
import io.eraft.shardkv.shards.ShardState;
import io.eraft.shardkv.shards.ShardStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ShardKV group's leader-only work (eRaft's monitors, ERAFT-SPEC §4.6), each a {@link LeaderTask}
 * started and stopped by leadership: <b>config</b> watches the controllers for the next
 * configuration (a Query the leader holds until that configuration exists or
 * {@link #CONFIG_WATCH} passes: an idle system writes no log entry anywhere and asks once per
 * period, where eRaft logs a Query every 100 ms per group) and proposes it once no shard is moving; <b>pull</b> fetches the data of Pulling shards from their
 * holders, one page at a time per holder, proposing each page before asking for the next; <b>gc</b>
 * tells the holders of GCing shards to delete their copies, then records that here. Every call
 * has a deadline and retries over the holder's servers with backoff ({@link LeaderCaller}); the
 * connections are reused. eRaft's fourth monitor (an empty entry to commit earlier terms) is not
 * needed: our leader appends a no-op of its own term when elected. Thread-safe;
 * {@link #close()} stops the tasks.
 */
public final class ShardMigration implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ShardMigration.class);
  /** The longest one controller query or one call to another group may take, retries included. */
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(2);
  /**
   * How long the controllers hold a question for the next configuration before answering "none
   * yet": one question per this period is all an idle group asks.
   */
  private static final Duration CONFIG_WATCH = Duration.ofSeconds(10);

  private final RaftNode<CommandResponse> node;
  private final ShardStateMachine machine;
  private final CtrlerClerk ctrlers;
  private final ShardGroups groups;
  private final ShardKvServerOptions options;
  private final List<LeaderTask> tasks = new ArrayList<>();
  /** The current move's trace, by kind and holder (each kind's task is one thread). */
  private final Map<String, MoveTrace> traces = new ConcurrentHashMap<>();

  private record MoveTrace(long config, Traceparent trace) {}

  /**
   * Registers the tasks with {@code node}, which must not have started yet.
   *
   * @param ctrlers a session of the controllers, used by the config task only
   * @param groups the connections to other groups (not owned)
   */
  public ShardMigration(RaftNode<CommandResponse> node, ShardStateMachine machine, CtrlerClerk ctrlers,
      ShardGroups groups, ShardKvServerOptions options) {
    this.node = node;
    this.machine = machine;
    this.ctrlers = ctrlers;
    this.groups = groups;
    this.options = options;
    String suffix = "-" + machine.gid() + "-" + node.id();
    tasks.add(new LeaderTask("shardkv-config" + suffix, options.configPollInterval(), this::pollConfig));
    tasks.add(new LeaderTask("shardkv-pull" + suffix, options.migrationInterval(), this::pullShards));
    tasks.add(new LeaderTask("shardkv-gc" + suffix, options.migrationInterval(), this::collectShards));
    tasks.forEach(node::addLeadershipListener);
  }

  /** eRaft's configureAction: the next configuration, once every shard has settled in this one. */
  private void pollConfig() {
    GroupShards shards = machine.shards();
    if (!shards.readyForNextConfig()) {
      return;
    }
    long wanted = shards.config().num() + 1;
    ShardConfig next = wait(ctrlers.watchAsync((int) wanted, CONFIG_WATCH, CALL_DEADLINE),
        CONFIG_WATCH.plus(CALL_DEADLINE));
    if (next == null || next.num() != wanted) {
      return;
    }
    propose(LogCommand.newBuilder().setConfiguration(ConfigCodec.toProto(next)).build().toByteString());
    retainConnections(machine.shards());
  }

  /** Keeps the connections to the groups of the configuration and to the holders of moving shards. */
  private void retainConnections(GroupShards shards) {
    Map<Integer, List<String>> wanted = new HashMap<>(shards.config().groups());
    for (int s = 0; s < ShardConfig.N_SHARDS; s++) {
      Holder source = shards.shard(s).source();
      if (!source.isNone()) {
        wanted.putIfAbsent(source.gid(), source.servers());
      }
    }
    groups.retainOnly(wanted);
  }

  /** eRaft's migrationAction, in pages: every holder at once, each until its shards are here or a call fails. */
  private void pullShards() {
    GroupShards shards = machine.shards();
    List<CompletableFuture<Void>> pulls = new ArrayList<>();
    shards.bySource(ShardStatus.PULLING).forEach((source, pulling) -> {
      Traceparent trace = traceOf("pull", shards.config().num(), source, () -> LOG.atInfo()
          .addKeyValue("gid", machine.gid()).addKeyValue("from", source.gid()).addKeyValue("shards", pulling)
          .addKeyValue("config", shards.config().num()).log("pulling shards"));
      pulls.add(pullFrom(shards.config().num(), source, pulling, trace));
    });
    pulls.forEach(pull -> pull.exceptionally(e -> null).join());
  }

  /** One page from {@code source}, then the next; every call carries {@code trace}, so the holder logs it. */
  private CompletableFuture<Void> pullFrom(long configNum, Holder source, List<Integer> shardIds, Traceparent trace) {
    ShardOperationRequest.Builder request = ShardOperationRequest.newBuilder()
        .setConfigNum((int) configNum)
        .setMaxBytes(options.pageBytes());
    GroupShards now = machine.shards();
    if (now.config().num() != configNum) {
      return CompletableFuture.completedFuture(null);
    }
    for (int shard : shardIds) {
      ShardState state = now.shard(shard);
      if (state.status() == ShardStatus.PULLING) {
        request.addShardIds(shard);
        if (state.resumed()) {
          request.putResumeAfter(shard, state.pulledThrough());
        }
      }
    }
    if (request.getShardIdsCount() == 0) {
      return CompletableFuture.completedFuture(null);
    }
    ShardOperationRequest page = request.build();
    return trace.call(() -> callHolder(source, (endpoint, timeout) -> endpoint.getShardsData(page, timeout)))
        .thenCompose(reply -> {
          if (!ShardKvError.OK.is(reply.getErr())) {
            LOG.atDebug().addKeyValue("gid", machine.gid()).addKeyValue("from", source.gid())
                .addKeyValue("err", reply.getErr()).log("shard pull not answered yet");
            return CompletableFuture.completedFuture(false);
          }
          ShardPage insert = ShardPages.toInsert(page, reply);
          if (insert.getPiecesCount() == 0) {
            return CompletableFuture.completedFuture(false);
          }
          return node.propose(LogCommand.newBuilder().setInsertShards(insert).build().toByteString())
              .orTimeout(options.executeTimeout().toNanos(), TimeUnit.NANOSECONDS)
              .thenApply(applied -> machine.shards() != now); // a page that moved nothing is stale: stop
        })
        .thenCompose(progressed -> progressed ? pullFrom(configNum, source, shardIds, trace)
            : CompletableFuture.completedFuture(null));
  }

  /** eRaft's gcAction: each holder deletes its copies of the shards now served here, then they are Serving. */
  private void collectShards() {
    GroupShards shards = machine.shards();
    List<CompletableFuture<Void>> collections = new ArrayList<>();
    shards.bySource(ShardStatus.GCING).forEach((source, collected) -> {
      ShardOperationRequest request = ShardOperationRequest.newBuilder()
          .setConfigNum((int) shards.config().num()).addAllShardIds(collected).build();
      Traceparent trace = traceOf("gc", shards.config().num(), source, () -> LOG.atInfo()
          .addKeyValue("gid", machine.gid()).addKeyValue("holder", source.gid()).addKeyValue("shards", collected)
          .addKeyValue("config", shards.config().num()).log("telling the old holder to delete shards"));
      collections.add(trace.call(() -> callHolder(source, (endpoint, timeout) -> endpoint.deleteShardsData(request,
          timeout)))
          .thenCompose(reply -> ShardKvError.OK.is(reply.getErr())
              ? node.propose(LogCommand.newBuilder().setDeleteShards(request).build().toByteString())
                  .orTimeout(options.executeTimeout().toNanos(), TimeUnit.NANOSECONDS)
              : CompletableFuture.completedFuture(null))
          .thenApply(ignored -> null));
    });
    collections.forEach(c -> c.exceptionally(e -> null).join());
  }

  /**
   * The trace of one move ({@code kind}: pull or gc) with {@code holder} in configuration {@code
   * config}: begun, and announced in the log under its id, at the first attempt; reused by the
   * retries and pages after it, so the holder's log shows the same trace id.
   */
  private Traceparent traceOf(String kind, long config, Holder holder, Runnable announce) {
    String key = kind + ":" + holder.gid();
    MoveTrace current = traces.get(key);
    if (current != null && current.config() == config) {
      return current.trace();
    }
    Traceparent trace = Traceparent.start();
    traces.put(key, new MoveTrace(config, trace));
    trace.call(() -> {
      announce.run();
      return null;
    });
    return trace;
  }

  private CompletableFuture<ShardOperationResponse> callHolder(Holder holder,
      LeaderCaller.Attempt<ShardKvEndpoint, ShardOperationResponse> attempt) {
    return groups.caller(holder.gid(), holder.servers())
        .call(attempt, reply -> Retry.ofReply(reply.getErr(), ""), CALL_DEADLINE);
  }

  private void propose(ByteString command) {
    wait(node.propose(command), options.executeTimeout());
  }

  /** The outcome, or null if it failed or did not come within {@code timeout} (the next run tries again). */
  private <T> T wait(CompletableFuture<T> outcome, Duration timeout) {
    try {
      return outcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Exception e) {
      LOG.atDebug().addKeyValue("gid", machine.gid()).addKeyValue("error", e.toString()).log("leader task step failed");
      return null;
    }
  }

  @Override
  public void close() {
    tasks.forEach(LeaderTask::close);
  }
}
