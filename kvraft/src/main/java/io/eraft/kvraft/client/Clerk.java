package io.eraft.kvraft.client;

import io.eraft.kvraft.KvError;
import io.eraft.proto.kvraftpb.CommandRequest;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.proto.kvraftpb.Op;
import io.eraft.raft.client.ClientSession;
import io.eraft.raft.client.ClusterUnavailableException;
import io.eraft.raft.client.RequestRefusedException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One client session of a KV cluster (eRaft's Clerk), with a {@link ClientSession}'s ids and
 * one-at-a-time order. Each call has a deadline (the client's default, or given), counted from the
 * call; past it the call fails with {@link ClusterUnavailableException} naming the servers tried,
 * and its command may or may not have been applied.
 *
 * <p>Thread-safe; the async methods never block. Their futures complete on a network thread: do
 * not block in a callback (call the synchronous methods only from your own threads).
 */
public final class Clerk {
  private final KvClient client;
  private final ClientSession session = new ClientSession();

  Clerk(KvClient client) {
    this.client = client;
  }

  public long clientId() {
    return session.clientId();
  }

  /** The value of {@code key}, or "" if it is absent (as eRaft). */
  public String get(String key) {
    return ClientSession.await(getAsync(key, client.deadline()));
  }

  /** The value of {@code key}, or empty if the cluster answered {@code ErrNoKey} (never written). */
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
    return send(Op.GET, key, "", deadline).thenApply(reply -> KvError.ERR_NO_KEY.wire().equals(reply.getErr())
        ? Optional.empty() : Optional.of(reply.getValue()));
  }

  public CompletableFuture<Void> putAsync(String key, String value, Duration deadline) {
    return send(Op.PUT, key, value, deadline).thenApply(v -> null);
  }

  public CompletableFuture<Void> appendAsync(String key, String value, Duration deadline) {
    return send(Op.APPEND, key, value, deadline).thenApply(v -> null);
  }

  /** The reply to one command: OK, or ErrNoKey for a Get; any other answer fails the future. */
  private CompletableFuture<CommandResponse> send(Op op, String key, String value, Duration deadline) {
    return session.submit(deadline, (commandId, deadlineNanos) -> {
      CommandRequest request = CommandRequest.newBuilder()
          .setOp(op)
          .setKey(key)
          .setValue(value)
          .setClientId(session.clientId())
          .setCommandId(commandId)
          .build();
      return client.caller().call((endpoint, timeout) -> endpoint.command(request, timeout), KvClient::retry,
          deadlineNanos, deadline);
    }).thenApply(Clerk::checked);
  }

  private static CommandResponse checked(CommandResponse reply) {
    String err = reply.getErr();
    if (KvError.OK.wire().equals(err) || KvError.ERR_NO_KEY.wire().equals(err)) {
      return reply;
    }
    throw new RequestRefusedException(err, reply.getValue());
  }
}
