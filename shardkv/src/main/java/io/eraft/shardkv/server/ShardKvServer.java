package io.eraft.shardkv.server;

import io.eraft.proto.shardkvlog.LogCommand;
import io.eraft.proto.shardkvpb.CommandRequest;
import io.eraft.proto.shardkvpb.CommandResponse;
import io.eraft.proto.shardkvpb.GetStatusResponse;
import io.eraft.proto.shardkvpb.Op;
import io.eraft.proto.shardkvpb.ShardInfo;
import io.eraft.proto.shardkvpb.ShardOperationRequest;
import io.eraft.proto.shardkvpb.ShardOperationResponse;
import io.eraft.raft.node.RaftNode;
import io.eraft.raft.rpc.ReplicaStatus;
import io.eraft.raft.server.CommandLimits;
import io.eraft.raft.server.RequestPath;
import io.eraft.shardctrler.config.ShardConfig;
import io.eraft.shardkv.ShardKvError;
import io.eraft.shardkv.Shards;
import io.eraft.shardkv.shards.GroupShards;
import io.eraft.shardkv.shards.ShardStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ShardKV replica's request path (eRaft's {@code ShardKV.Command}, {@code GetShardsData},
 * {@code DeleteShardsData}, {@code GetStatus}), independent of the wire. A command for a shard
 * this group does not serve now is answered {@code ErrWrongGroup} without touching Raft, and
 * checked again when applied; Put and Append go through the log once per command id; Get is a
 * ReadIndex read. Between groups: a page of frozen shard data to the new owner, and the deletion
 * of a copy it has taken over. Never blocks a caller's thread: pages are read on a thread of
 * their own. Thread-safe; {@link #close()} stops the page reader.
 */
public final class ShardKvServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ShardKvServer.class);
  private static final long CLOSE_WAIT_SECONDS = 5;

  private final RaftNode<CommandResponse> node;
  private final ShardStateMachine machine;
  private final CommandLimits limits;
  private final RequestPath<CommandResponse> path;
  private final ExecutorService pageReader;

  /** @param addresses this group's replicas' {@code host:port}, by id, to name the leader to clients */
  public ShardKvServer(RaftNode<CommandResponse> node, ShardStateMachine machine, ShardKvServerOptions options,
      List<String> addresses) {
    this.node = node;
    this.machine = machine;
    this.limits = new CommandLimits(options.maxValueBytes(), options.maxKeyBytes());
    this.path = new RequestPath<>(node, machine, options.executeTimeout(), addresses, ShardKvError::wrongLeader,
        () -> ShardKvError.ERR_TIMEOUT.reply(""));
    this.pageReader = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "shardkv-pages-" + machine.gid() + "-" + node.id());
      t.setDaemon(true);
      return t;
    });
  }

  public CompletableFuture<CommandResponse> command(CommandRequest request) {
    CommandResponse refused = validate(request);
    if (refused != null) {
      return CompletableFuture.completedFuture(refused);
    }
    return path.execute(() -> request.getOp() == Op.GET ? get(request.getKey()) : update(request));
  }

  private CompletableFuture<CommandResponse> get(String key) {
    if (!machine.shards().canServe(Shards.of(key))) {
      return CompletableFuture.completedFuture(ShardKvError.ERR_WRONG_GROUP.reply(""));
    }
    return node.readIndex().thenApply(readPoint -> {
      ShardStateMachine.Read read = machine.read(key);
      if (!read.served()) {
        return ShardKvError.ERR_WRONG_GROUP.reply("");
      }
      return read.value() == null ? ShardKvError.ERR_NO_KEY.reply("")
          : ShardKvError.OK.reply(new String(read.value(), StandardCharsets.UTF_8));
    });
  }

  private CompletableFuture<CommandResponse> update(CommandRequest request) {
    CommandResponse applied = machine.duplicateReply(request);
    if (applied != null) {
      return CompletableFuture.completedFuture(applied);
    }
    if (!machine.shards().canServe(Shards.of(request.getKey()))) {
      return CompletableFuture.completedFuture(ShardKvError.ERR_WRONG_GROUP.reply(""));
    }
    return node.propose(LogCommand.newBuilder().setOperation(request).build().toByteString());
  }

  private CommandResponse validate(CommandRequest request) {
    boolean knownOp = switch (request.getOp()) {
      case GET, PUT, APPEND -> true;
      default -> false;
    };
    CommandLimits.Refusal refusal = limits.check(knownOp, request.getOpValue(), request.getKeyBytes().size(),
        request.getValueBytes().size());
    if (refusal == null) {
      return null;
    }
    return (refusal.kind() == CommandLimits.Kind.VALUE_TOO_LARGE ? ShardKvError.ERR_VALUE_TOO_LARGE : ShardKvError.ERR_BAD_REQUEST)
        .reply(refusal.reason());
  }


  /**
   * eRaft's GetShardsData, in pages: the leader answers once it has reached the request's
   * configuration ({@code ErrNotReady} before), from shards frozen for the new owner
   * ({@code ErrOutDated} if they are not: the request is stale).
   */
  public CompletableFuture<ShardOperationResponse> getShardsData(ShardOperationRequest request) {
    if (!node.status().isLeader()) {
      return CompletableFuture.completedFuture(shardReply(ShardKvError.ERR_WRONG_LEADER));
    }
    GroupShards shards = machine.shards();
    if (shards.config().num() < request.getConfigNum()) {
      return CompletableFuture.completedFuture(shardReply(ShardKvError.ERR_NOT_READY));
    }
    for (int shard : request.getShardIdsList()) {
      if (shards.config().num() != request.getConfigNum() || !validShard(shard)
          || shards.shard(shard).status() != ShardStatus.BE_PULLING) {
        return CompletableFuture.completedFuture(shardReply(ShardKvError.ERR_OUT_DATED));
      }
    }
    try {
      return CompletableFuture.supplyAsync(() -> ShardPages.read(machine, request), pageReader);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(shardReply(ShardKvError.ERR_WRONG_LEADER)); // closing
    }
  }

  /**
   * eRaft's DeleteShardsData: the new owner has the shards; delete them here through the log. A
   * configuration this group has passed was collected already ({@code OK}); one it has not reached
   * cannot be ({@code ErrNotReady}).
   */
  public CompletableFuture<ShardOperationResponse> deleteShardsData(ShardOperationRequest request) {
    long current = machine.shards().config().num();
    if (current > request.getConfigNum()) {
      return CompletableFuture.completedFuture(shardReply(ShardKvError.OK));
    }
    if (current < request.getConfigNum()) {
      return CompletableFuture.completedFuture(shardReply(ShardKvError.ERR_NOT_READY));
    }
    ShardOperationRequest delete = request.toBuilder().clearResumeAfter().setMaxBytes(0).build();
    return path.execute(() -> node.propose(LogCommand.newBuilder().setDeleteShards(delete).build().toByteString()))
        .thenApply(reply -> ShardOperationResponse.newBuilder().setErr(reply.getErr())
            .setConfigNum(request.getConfigNum()).build());
  }

  private static ShardOperationResponse shardReply(ShardKvError err) {
    return ShardOperationResponse.newBuilder().setErr(err.wire()).build();
  }

  /** eRaft's GetStatus: id, role, term, last applied, commit index, bytes on disk. */
  public ReplicaStatus status() {
    return path.status();
  }

  /**
   * Fills ShardKV's own status fields: the gid, and every shard whose data is here (owned, or
   * waiting to be pulled away; eRaft lists owned ones only) with its status, keys and bytes.
   */
  public GetStatusResponse.Builder statusDetails(GetStatusResponse.Builder status) {
    GroupShards shards = machine.shards();
    status.setGid(machine.gid());
    for (int s = 0; s < ShardConfig.N_SHARDS; s++) {
      if (shards.holdsData(s)) {
        status.addShards(ShardInfo.newBuilder().setShardId(s).setStatus(shards.shard(s).status().wire())
            .setKeys(machine.shardKeys(s)).setBytes(machine.shardBytes(s)));
      }
    }
    return status;
  }

  /** The whole ShardKV GetStatus reply. */
  public GetStatusResponse fullStatus() {
    return status().toProto(statusDetails(GetStatusResponse.newBuilder()));
  }

  private static boolean validShard(int shard) {
    return shard >= 0 && shard < ShardConfig.N_SHARDS;
  }

  /** Stops the page reader, waiting for a page being read: it holds the store open. */
  @Override
  public void close() {
    pageReader.shutdownNow();
    try {
      if (!pageReader.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        LOG.atWarn().addKeyValue("gid", machine.gid()).log("a shard page was still being read at close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
