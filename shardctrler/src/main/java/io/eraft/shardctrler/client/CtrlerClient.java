package io.eraft.shardctrler.client;

import io.eraft.proto.shardctrlerpb.CommandRequest;
import io.eraft.proto.shardctrlerpb.CommandResponse;
import io.eraft.raft.client.GroupClient;
import io.eraft.raft.client.Retry;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.raft.rpc.GroupEndpoint;
import io.eraft.shardctrler.CtrlerService;
import java.time.Duration;
import java.util.List;

/** A connection to the controller cluster; {@link CtrlerClerk} sessions share it. Thread-safe. */
public final class CtrlerClient extends GroupClient<CommandRequest, CommandResponse> {
  /** @param deadline the default deadline of one command, retries included */
  public CtrlerClient(List<? extends GroupEndpoint<CommandRequest, CommandResponse>> endpoints,
      List<String> addresses, RetryPolicy policy, Duration deadline) {
    super(endpoints, addresses, policy, deadline);
  }

  private CtrlerClient(List<String> addresses, RetryPolicy policy, Duration deadline) {
    super(CtrlerService.GRPC, addresses, policy, deadline);
  }

  /** Plaintext gRPC channels to {@code addresses}, connecting lazily. */
  public static CtrlerClient connect(List<String> addresses, RetryPolicy policy, Duration deadline) {
    return new CtrlerClient(addresses, policy, deadline);
  }

  /** A new client session: a random client id and its own command numbering. */
  public CtrlerClerk newClerk() {
    return new CtrlerClerk(this);
  }

  /** Why a reply means "ask another replica" and which, or null if it is the answer. */
  static Retry retry(CommandResponse reply) {
    return Retry.ofReply(reply.getErr(), reply.getLeaderAddress());
  }
}
