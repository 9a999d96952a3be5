package io.eraft.shardctrler.client;

import io.eraft.proto.shardctrlerpb.CommandRequest;
import io.eraft.proto.shardctrlerpb.CommandResponse;
import io.eraft.proto.shardctrlerpb.Op;
import io.eraft.proto.shardctrlerpb.Servers;
import io.eraft.raft.client.ClientSession;
import io.eraft.raft.client.ClusterUnavailableException;
import io.eraft.raft.client.RequestRefusedException;
import io.eraft.shardctrler.CtrlerError;
import io.eraft.shardctrler.config.ConfigCodec;
import io.eraft.shardctrler.config.ShardConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One client session of the controller (eRaft's shardctrler Clerk), with a {@link ClientSession}'s
 * ids and one-at-a-time order and the same retries as the KV Clerk. Past its deadline a call fails
 * with {@link ClusterUnavailableException}; a refused command with {@link RequestRefusedException}.
 * Thread-safe; futures complete on a network thread (do not block in callbacks).
 */
public final class CtrlerClerk {
  private final CtrlerClient client;
  private final ClientSession session = new ClientSession();

  CtrlerClerk(CtrlerClient client) {
    this.client = client;
  }

  /** Adds groups (gid → server addresses) and rebalances. */
  public void join(Map<Integer, List<String>> groups) {
    CommandRequest.Builder request = CommandRequest.newBuilder().setOp(Op.JOIN);
    groups.forEach((gid, servers) -> request.putServers(gid, Servers.newBuilder().addAllServers(servers).build()));
    ClientSession.await(send(request, client.deadline()));
  }

  /** Removes groups; their shards go to the remaining ones. */
  public void leave(List<Integer> gids) {
    ClientSession.await(send(CommandRequest.newBuilder().setOp(Op.LEAVE).addAllGids(gids), client.deadline()));
  }

  /** Assigns one shard to one group. */
  public void move(int shard, int gid) {
    CommandRequest.Builder request = CommandRequest.newBuilder().setOp(Op.MOVE).setShard(shard).setGid(gid);
    ClientSession.await(send(request, client.deadline()));
  }

  /** Config {@code num}; the latest if {@code num} is negative or past it. */
  public ShardConfig query(int num) {
    return ClientSession.await(queryAsync(num, client.deadline()));
  }

  public CompletableFuture<ShardConfig> queryAsync(int num, Duration deadline) {
    return send(CommandRequest.newBuilder().setOp(Op.QUERY).setNum(num), deadline)
        .thenApply(reply -> ConfigCodec.fromProto(reply.getConfig()));
  }

  /**
   * Config {@code num} as soon as it exists, waiting up to {@code wait} for it at the leader (a
   * watch: no polling); after that the latest, as {@link #queryAsync}. Controllers without watches
   * answer at once.
   */
  public CompletableFuture<ShardConfig> watchAsync(int num, Duration wait, Duration deadline) {
    CommandRequest.Builder request = CommandRequest.newBuilder().setOp(Op.QUERY).setNum(num)
        .setWaitMs(wait.toMillis());
    Duration attemptTimeout = wait.plus(client.caller().policy().attemptTimeout());
    return send(request, deadline.plus(wait), attemptTimeout)
        .thenApply(reply -> ConfigCodec.fromProto(reply.getConfig()));
  }

  private CompletableFuture<CommandResponse> send(CommandRequest.Builder request, Duration deadline) {
    return send(request, deadline, client.caller().policy().attemptTimeout());
  }

  private CompletableFuture<CommandResponse> send(CommandRequest.Builder request, Duration deadline,
      Duration attemptTimeout) {
    return session.submit(deadline, (commandId, deadlineNanos) -> {
      CommandRequest stamped = request.setClientId(session.clientId()).setCommandId(commandId).build();
      return client.caller().call((endpoint, timeout) -> endpoint.command(stamped, timeout),
          CtrlerClient::retry, deadlineNanos, deadline, attemptTimeout);
    }).thenApply(CtrlerClerk::checked);
  }

  private static CommandResponse checked(CommandResponse reply) {
    if (!CtrlerError.OK.wire().equals(reply.getErr())) {
      throw new RequestRefusedException(reply.getErr(), reply.getDetail());
    }
    return reply;
  }
}
