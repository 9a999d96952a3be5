package io.eraft.raft.client;

import io.eraft.raft.rpc.GroupEndpoint;
import io.eraft.raft.rpc.GroupService;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * A client's connection to one Raft group: an endpoint per server, the {@link LeaderCaller} that
 * finds the leader, the default deadline of a command, and the status fan-out every service's CLI
 * shows. A service's client extends it with its sessions (clerks), which share it. Thread-safe.
 * Owns its gRPC channels when made over a {@link GroupService}, including those it opens to leaders
 * that servers named and the address list lacked.
 *
 * @param <Q> the service's command request
 * @param <P> the service's command reply
 */
public abstract class GroupClient<Q, P> implements AutoCloseable {
  /** The channels this client owns; null when it owns none. */
  private final Channels channels;
  private final LeaderCaller<GroupEndpoint<Q, P>> caller;
  private final Duration deadline;

  /** Over given endpoints (simulated ones in tests); owns no channels and calls only these servers. */
  protected GroupClient(List<? extends GroupEndpoint<Q, P>> endpoints, List<String> addresses, RetryPolicy policy,
      Duration deadline) {
    this.channels = null;
    this.caller = new LeaderCaller<>(List.copyOf(endpoints), addresses, policy);
    this.deadline = deadline;
  }

  /**
   * Over plaintext gRPC channels to {@code addresses}, connecting lazily (a down server is no error
   * here); a leader a server names that {@code addresses} lacks gets a channel too.
   */
  protected GroupClient(GroupService<Q, P> service, List<String> addresses, RetryPolicy policy, Duration deadline) {
    this.channels = new Channels();
    Function<String, GroupEndpoint<Q, P>> connect = address -> service.endpoint(channels.channel(address));
    this.caller = new LeaderCaller<>(addresses.stream().map(connect).toList(), addresses, connect, policy);
    this.deadline = deadline;
  }

  /** The default deadline of one command, retries included. */
  public final Duration deadline() {
    return deadline;
  }

  /** Finds the leader for the sessions' commands. */
  public final LeaderCaller<GroupEndpoint<Q, P>> caller() {
    return caller;
  }

  /**
   * Every server's status, in address order (servers added by following a leader last); one that
   * does not answer within {@code timeout} is Offline, with the reason.
   */
  public final List<NodeStatus> status(Duration timeout) {
    return NodeStatus.of(caller.endpoints(), caller.addresses(), timeout);
  }

  @Override
  public void close() {
    if (channels != null) {
      channels.close();
    }
  }
}
