package io.eraft.shardkv.client;

import io.eraft.proto.shardkvpb.CommandRequest;
import io.eraft.proto.shardkvpb.CommandResponse;
import io.eraft.proto.shardkvpb.Op;
import io.eraft.raft.client.ClientSession;
import io.eraft.raft.client.ClusterUnavailableException;
import io.eraft.raft.client.RequestRefusedException;
import io.eraft.raft.client.Retry;
import io.eraft.shardctrler.config.ShardConfig;
import io.eraft.shardkv.ShardKvError;
import io.eraft.shardkv.Shards;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * One client session of a sharded KV system (eRaft's shardkv Clerk): routes each command to the
 * group that owns its key's shard in the cached configuration, finds that group's leader, and on
 * {@code ErrWrongGroup} (or a group that does not answer for a while) asks the controllers for a
 * newer configuration and tries again, with the same command id, so a command is applied once
 * even if it moves between groups. Past its deadline a call fails with
 * {@link ClusterUnavailableException}; a refused command with {@link RequestRefusedException}.
 *
 * <p>Thread-safe; the async methods never block, and their futures complete on a network thread
 * (do not block in callbacks).
 */
public final class ShardKvClerk {
  /** How long one group is tried before the configuration is asked again (it may have lost the shard). */
  private static final Duration GROUP_TRY = Duration.ofSeconds(2);
  /** eRaft's pause before asking the controllers again. */
  private static final Duration CONFIG_PAUSE = Duration.ofMillis(100);

  private final ShardKvClient client;
  private final ClientSession session = new ClientSession();

  ShardKvClerk(ShardKvClient client) {
    this.client = client;
  }

  public long clientId() {
    return session.clientId();
  }

  /** The value of {@code key}, or "" if it is absent (as eRaft). */
  public String get(String key) {
    return ClientSession.await(getAsync(key, client.deadline()));
  }

  /** The value of {@code key}, or empty if it was never written. */
  public Optional<String> find(String key) {
    return ClientSession.await(findAsync(key, client.deadline()));
  }

  public void put(String key, String value) {
    ClientSession.await(putAsync(key, value, client.deadline()));
  }

  public void append(String key, String value) {
    ClientSession.await(appendAsync(key, value, client.deadline()));
  }

  public CompletableFuture<String> getAsync(String key, Duration deadline) {
    return send(Op.GET, key, "", deadline).thenApply(CommandResponse::getValue);
  }

  public CompletableFuture<Optional<String>> findAsync(String key, Duration deadline) {
    return send(Op.GET, key, "", deadline).thenApply(reply -> ShardKvError.ERR_NO_KEY.is(reply.getErr())
        ? Optional.empty() : Optional.of(reply.getValue()));
  }

  public CompletableFuture<Void> putAsync(String key, String value, Duration deadline) {
    return send(Op.PUT, key, value, deadline).thenApply(v -> null);
  }

  public CompletableFuture<Void> appendAsync(String key, String value, Duration deadline) {
    return send(Op.APPEND, key, value, deadline).thenApply(v -> null);
  }

  private CompletableFuture<CommandResponse> send(Op op, String key, String value, Duration deadline) {
    return session.submit(deadline, (commandId, deadlineNanos) -> {
      CommandRequest request = CommandRequest.newBuilder()
          .setOp(op)
          .setKey(key)
          .setValue(value)
          .setClientId(session.clientId())
          .setCommandId(commandId)
          .build();
      return new Routing(request, deadlineNanos, deadline).run();
    });
  }

  /** One command's way to the group that serves its key, across configuration changes. */
  private final class Routing {
    final CommandRequest request;
    final int shard;
    final long deadlineNanos;
    final Duration budget;
    /** What the last group said or why it could not be reached, for the final error. */
    String lastAnswer = "no group tried";

    Routing(CommandRequest request, long deadlineNanos, Duration budget) {
      this.request = request;
      this.shard = Shards.of(request.getKey());
      this.deadlineNanos = deadlineNanos;
      this.budget = budget;
    }

    CompletableFuture<CommandResponse> run() {
      return client.config(remaining()).thenCompose(this::tryConfig);
    }

    private CompletableFuture<CommandResponse> tryConfig(ShardConfig config) {
      int gid = config.gidOf(shard);
      List<String> servers = config.groups().get(gid);
      if (gid == 0 || servers == null || servers.isEmpty()) {
        lastAnswer = "configuration " + config.num() + " gives shard " + shard + " to no group";
        return later(config);
      }
      long groupDeadline = Math.min(deadlineNanos, System.nanoTime() + GROUP_TRY.toNanos());
      return client.groups().caller(gid, servers)
          .call((endpoint, timeout) -> endpoint.command(request, timeout),
              reply -> Retry.ofReply(reply.getErr(), reply.getLeaderAddress()), groupDeadline, GROUP_TRY)
          .handle((reply, error) -> {
            if (error != null) {
              Throwable cause = error instanceof CompletionException ? error.getCause() : error;
              if (cause instanceof RequestRefusedException refused) {
                throw refused;
              }
              lastAnswer = "group " + gid + ": " + cause.getMessage();
              return later(config);
            }
            if (ShardKvError.ERR_WRONG_GROUP.is(reply.getErr())) {
              lastAnswer = "group " + gid + " answered ErrWrongGroup (configuration " + config.num() + ")";
              return later(config);
            }
            if (ShardKvError.OK.is(reply.getErr()) || ShardKvError.ERR_NO_KEY.is(reply.getErr())) {
              return CompletableFuture.completedFuture(reply);
            }
            throw new RequestRefusedException(reply.getErr(), reply.getValue());
          })
          .thenCompose(next -> next);
    }

    /** After a pause, with a configuration newer than {@code stale} if there is one. */
    private CompletableFuture<CommandResponse> later(ShardConfig stale) {
      long pause = Math.min(CONFIG_PAUSE.toNanos(), Math.max(0, deadlineNanos - System.nanoTime()));
      return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(pause, TimeUnit.NANOSECONDS))
          .thenCompose(ignored -> {
            if (System.nanoTime() >= deadlineNanos) {
              throw new ClusterUnavailableException("shard " + shard + " of key '" + request.getKey()
                  + "' found no group to serve it within " + budget.toMillis() + " ms; last: " + lastAnswer, true);
            }
            return client.refresh(stale, remaining()).thenCompose(this::tryConfig);
          });
    }

    private Duration remaining() {
      return Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime()));
    }
  }
}
