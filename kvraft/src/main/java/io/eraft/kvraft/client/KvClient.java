package io.eraft.kvraft.client;

import io.eraft.kvraft.KvService;
import io.eraft.proto.kvraftpb.CommandRequest;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.raft.client.GroupClient;
import io.eraft.raft.client.Retry;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.raft.rpc.GroupEndpoint;
import java.time.Duration;
import java.util.List;

/**
 * A connection to one KV cluster. Sessions ({@link Clerk}) are cheap and share it, so a load
 * generator runs many clients over a few connections. Thread-safe.
 */
public final class KvClient extends GroupClient<CommandRequest, CommandResponse> {
  /** @param deadline the default deadline of one request, retries included */
  public KvClient(List<? extends GroupEndpoint<CommandRequest, CommandResponse>> endpoints, List<String> addresses,
      RetryPolicy policy, Duration deadline) {
    super(endpoints, addresses, policy, deadline);
  }

  private KvClient(List<String> addresses, RetryPolicy policy, Duration deadline) {
    super(KvService.GRPC, addresses, policy, deadline);
  }

  /** Plaintext gRPC channels to {@code addresses} (connecting lazily, so this never fails on a down server). */
  public static KvClient connect(List<String> addresses, RetryPolicy policy, Duration deadline) {
    return new KvClient(addresses, policy, deadline);
  }

  /** A new client session: a random client id and its own command numbering. */
  public Clerk newClerk() {
    return new Clerk(this);
  }

  /** Why a reply means "ask another server" and which, or null if it is the answer. */
  static Retry retry(CommandResponse reply) {
    return Retry.ofReply(reply.getErr(), reply.getLeaderAddress());
  }
}
