package io.eraft.shardkv.client;

import io.eraft.raft.client.ClientSession;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.shardctrler.client.CtrlerClerk;
import io.eraft.shardctrler.client.CtrlerClient;
import io.eraft.shardctrler.config.ShardConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A connection to a sharded KV system: the controllers (for the configuration, cached and
 * refreshed when a group says the key is not its own), and the replica groups
 * ({@link ShardGroups}, each with its leader hint). Sessions ({@link ShardKvClerk}) are cheap and
 * share it. Thread-safe; owns the controller client and the groups' connections.
 */
public final class ShardKvClient implements AutoCloseable {
  private final CtrlerClient ctrlers;
  private final CtrlerClerk configReader;
  private final ShardGroups groups;
  private final Duration deadline;
  private CompletableFuture<ShardConfig> config; // guarded by this; the latest known or being asked for

  /**
   * @param ctrlers the controllers, owned from now on
   * @param groups the groups' connections, owned from now on
   * @param deadline the default deadline of one command, retries included
   */
  public ShardKvClient(CtrlerClient ctrlers, ShardGroups groups, Duration deadline) {
    this.ctrlers = ctrlers;
    this.configReader = ctrlers.newClerk();
    this.groups = groups;
    this.deadline = deadline;
  }

  /** Plaintext gRPC to the controllers at {@code ctrlerAddresses} and to every group they name; connects lazily. */
  public static ShardKvClient connect(List<String> ctrlerAddresses, RetryPolicy policy, Duration deadline) {
    return new ShardKvClient(CtrlerClient.connect(ctrlerAddresses, policy, deadline),
        new ShardGroups(new GrpcShardKvNetwork(), policy), deadline);
  }

  /** A new client session: a random client id and its own command numbering. */
  public ShardKvClerk newClerk() {
    return new ShardKvClerk(this);
  }

  public Duration deadline() {
    return deadline;
  }

  ShardGroups groups() {
    return groups;
  }

  /** The latest configuration this client knows, asking the controllers the first time. */
  synchronized CompletableFuture<ShardConfig> config(Duration budget) {
    if (config == null || config.isCompletedExceptionally()) {
      config = ask(budget);
    }
    return config;
  }

  /**
   * A configuration newer than {@code stale}, if the controllers have one: asks them unless an
   * answer newer than it is known or on its way. Several sessions that found the same configuration
   * stale share one question.
   */
  synchronized CompletableFuture<ShardConfig> refresh(ShardConfig stale, Duration budget) {
    ShardConfig known = config == null ? null : config.getNow(null);
    boolean asking = config != null && !config.isDone();
    if (!asking && (known == null || known.num() <= stale.num())) {
      config = ask(budget);
    }
    return config;
  }

  /**
   * Every server of every group in the latest configuration, as {@link ShardGroups#status} tells.
   * Blocks up to twice {@code timeout}.
   *
   * @throws io.eraft.raft.client.ClusterUnavailableException if the controllers do not answer
   */
  public List<ShardKvNodeStatus> status(Duration timeout) {
    return groups.status(ClientSession.await(configReader.queryAsync(-1, timeout)), timeout);
  }

  private CompletableFuture<ShardConfig> ask(Duration budget) {
    return configReader.queryAsync(-1, budget).thenApply(latest -> {
      groups.retainOnly(latest.groups());
      return latest;
    });
  }

  @Override
  public void close() {
    try {
      groups.close();
    } finally {
      ctrlers.close();
    }
  }
}
