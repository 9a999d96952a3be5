package io.eraft.shardctrler.server;

import io.eraft.proto.shardctrlerpb.CommandRequest;
import io.eraft.proto.shardctrlerpb.CommandResponse;
import io.eraft.proto.shardctrlerpb.Op;
import io.eraft.raft.node.RaftNode;
import io.eraft.raft.rpc.ReplicaStatus;
import io.eraft.raft.server.RequestPath;
import io.eraft.shardctrler.CtrlerError;
import io.eraft.shardctrler.config.ConfigCommands;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One controller replica's request path. Query is linearizable through ReadIndex and never touches
 * the log, so the ShardKV groups' polling costs no disk (eRaft logs every Query, ERAFT-SPEC §9 item
 * 11). Join, Leave and Move are checked against the latest config after a ReadIndex (so the check
 * sees every committed change) and proposed only if valid; the state machine checks again when
 * applying, which settles two concurrent commands that were each valid alone. An
 * {@code ErrWrongLeader} names the leader this replica knows of. Never blocks; thread-safe.
 */
public final class CtrlerServer {
  /** The longest a watching Query is held (its client asks again after it). */
  private static final long MAX_WATCH_MILLIS = 60_000;

  private final RaftNode<CommandResponse> node;
  private final ConfigStateMachine machine;
  private final RequestPath<CommandResponse> path;

  /** A replica whose {@code ErrWrongLeader} names no leader (its group's addresses are unknown here). */
  public CtrlerServer(RaftNode<CommandResponse> node, ConfigStateMachine machine, Duration executeTimeout) {
    this(node, machine, executeTimeout, List.of());
  }

  /** @param addresses every replica's {@code host:port}, by id, to name the leader to clients */
  public CtrlerServer(RaftNode<CommandResponse> node, ConfigStateMachine machine, Duration executeTimeout,
      List<String> addresses) {
    this.node = node;
    this.machine = machine;
    this.path = new RequestPath<>(node, machine, executeTimeout, addresses,
        CtrlerError::wrongLeader, () -> CtrlerError.ERR_TIMEOUT.reply(""));
  }

  public CompletableFuture<CommandResponse> command(CommandRequest request) {
    if (request.getOp() == Op.QUERY && request.getWaitMs() > 0 && request.getNum() > machine.latest().num()
        && node.status().isLeader()) {
      return watch(request.getNum(), Math.min(request.getWaitMs(), MAX_WATCH_MILLIS));
    }
    return path.execute(() -> request.getOp() == Op.QUERY ? query(request.getNum()) : change(request));
  }

  /**
   * A Query that waits for config {@code num}: answered with it as soon as this replica applies it
   * (an applied config is committed, so even a deposed leader may give it), or after
   * {@code waitMillis} as an ordinary Query (the latest config, by ReadIndex).
   */
  private CompletableFuture<CommandResponse> watch(long num, long waitMillis) {
    return machine.awaitConfig(num).completeOnTimeout(null, waitMillis, TimeUnit.MILLISECONDS)
        .thenCompose(found -> found != null ? CompletableFuture.completedFuture(CtrlerError.config(found))
            : path.execute(() -> query(num)));
  }

  private CompletableFuture<CommandResponse> query(long num) {
    return node.readIndex().thenApply(readPoint -> CtrlerError.config(machine.config(num)));
  }

  private CompletableFuture<CommandResponse> change(CommandRequest request) {
    CommandResponse applied = machine.duplicateReply(request.getClientId(), request.getCommandId());
    if (applied != null) {
      return CompletableFuture.completedFuture(applied);
    }
    return node.readIndex().thenCompose(readPoint -> {
      String invalid = ConfigCommands.invalidReason(request, machine.latest());
      if (invalid == null) {
        return node.propose(request.toByteString()); // if it is a retry after all, the apply answers it
      }
      // Invalid may mean "already done": a retry whose first attempt committed while this one
      // waited for the read (a join of a now-present gid) gets that attempt's reply. The state
      // machine records replies before it publishes the config they made, so this finds it.
      CommandResponse done = machine.duplicateReply(request.getClientId(), request.getCommandId());
      return CompletableFuture.completedFuture(done != null ? done : CtrlerError.ERR_BAD_REQUEST.reply(invalid));
    });
  }

  /** eRaft's GetStatus: id, role, term, last applied, commit index, bytes on disk (log and state). */
  public ReplicaStatus status() {
    return path.status();
  }
}
