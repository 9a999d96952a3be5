package io.eraft.kvraft.server;

import io.eraft.kvraft.KvError;
import io.eraft.proto.kvraftpb.CommandRequest;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.proto.kvraftpb.Op;
import io.eraft.raft.node.RaftNode;
import io.eraft.raft.rpc.ReplicaStatus;
import io.eraft.raft.server.CommandLimits;
import io.eraft.raft.server.RequestPath;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One KV replica's request path (eRaft's {@code KVServer.Command}), independent of the wire: Put
 * and Append go through the Raft log, answered from the duplicate table when they are retries of
 * applied commands; Get is linearizable through ReadIndex and never touches the log. Every request
 * is answered exactly once, with eRaft's error strings and within the execute timeout; an
 * {@code ErrWrongLeader} names the leader this replica knows of. Never blocks; futures complete on
 * Raft's apply thread or a timer thread. Thread-safe.
 */
public final class KvServer {
  private final RaftNode<CommandResponse> node;
  private final KvStateMachine machine;
  private final CommandLimits limits;
  private final RequestPath<CommandResponse> path;

  /** A replica whose {@code ErrWrongLeader} names no leader (its group's addresses are unknown here). */
  public KvServer(RaftNode<CommandResponse> node, KvStateMachine machine, KvServerOptions options) {
    this(node, machine, options, List.of());
  }

  /** @param addresses every replica's {@code host:port}, by id, to name the leader to clients */
  public KvServer(RaftNode<CommandResponse> node, KvStateMachine machine, KvServerOptions options,
      List<String> addresses) {
    this.node = node;
    this.machine = machine;
    this.limits = new CommandLimits(options.maxValueBytes(), options.maxKeyBytes());
    this.path = new RequestPath<>(node, machine, options.executeTimeout(), addresses,
        KvError::wrongLeader, () -> KvError.ERR_TIMEOUT.reply(""));
  }

  public CompletableFuture<CommandResponse> command(CommandRequest request) {
    CommandResponse refused = validate(request);
    if (refused != null) {
      return CompletableFuture.completedFuture(refused);
    }
    return path.execute(() -> request.getOp() == Op.GET ? get(request.getKey()) : update(request));
  }

  private CompletableFuture<CommandResponse> get(String key) {
    return node.readIndex().thenApply(readPoint -> {
      String value = machine.read(key);
      return value == null ? KvError.ERR_NO_KEY.reply("") : KvError.OK.reply(value);
    });
  }

  private CompletableFuture<CommandResponse> update(CommandRequest request) {
    CommandResponse applied = machine.duplicateReply(request.getClientId(), request.getCommandId());
    if (applied != null) {
      return CompletableFuture.completedFuture(applied);
    }
    return node.propose(request.toByteString());
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
    return (refusal.kind() == CommandLimits.Kind.VALUE_TOO_LARGE ? KvError.ERR_VALUE_TOO_LARGE : KvError.ERR_BAD_REQUEST)
        .reply(refusal.reason());
  }


  /** eRaft's GetStatus: id, role, term, last applied, commit index, bytes on disk (log and state). */
  public ReplicaStatus status() {
    return path.status();
  }
}
