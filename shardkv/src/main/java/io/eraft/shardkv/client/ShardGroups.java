package io.eraft.shardkv.client;

import io.eraft.proto.shardkvpb.GetStatusResponse;
import io.eraft.raft.client.LeaderCaller;
import io.eraft.raft.client.NodeStatus;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.raft.rpc.ReplicaStatus;
import io.eraft.shardctrler.config.ShardConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The replica groups a client or a server talks to: per group, a {@link LeaderCaller} over its
 * servers, which keeps that group's leader hint between calls (eRaft's Clerk starts every request
 * at server 0). A group whose server list changes gets a new caller; connections to servers no
 * longer wanted are closed ({@link #retainOnly}). Thread-safe; owns its network.
 */
public final class ShardGroups implements AutoCloseable {
  private record Link(List<String> servers, LeaderCaller<ShardKvEndpoint> caller) {}

  private final ShardKvNetwork network;
  private final RetryPolicy policy;
  private final Map<Integer, Link> links = new HashMap<>(); // guarded by this

  public ShardGroups(ShardKvNetwork network, RetryPolicy policy) {
    this.network = network;
    this.policy = policy;
  }

  /** The caller of group {@code gid}, whose servers are {@code servers}. */
  public synchronized LeaderCaller<ShardKvEndpoint> caller(int gid, List<String> servers) {
    Link link = links.get(gid);
    if (link == null || !link.servers().equals(servers)) {
      link = new Link(List.copyOf(servers),
          new LeaderCaller<>(servers.stream().map(network::endpoint).toList(), servers, policy));
      links.put(gid, link);
    }
    return link.caller();
  }

  /** Forgets every group but those given (gid → servers) and closes the connections to other servers. */
  public void retainOnly(Map<Integer, ? extends Collection<String>> groups) {
    Set<String> wanted = new HashSet<>();
    groups.values().forEach(wanted::addAll);
    synchronized (this) {
      links.entrySet().removeIf(e -> !groups.containsKey(e.getKey())
          || !wanted.containsAll(e.getValue().servers()));
    }
    network.closeAllExcept(wanted);
  }

  /**
   * Every server of every group in {@code config}, in gid order and list order, asked at once; one
   * that does not answer within {@code timeout} is Offline, with the reason (eRaft asks with 200 ms,
   * in random group order). Blocks up to {@code timeout}.
   */
  public List<ShardKvNodeStatus> status(ShardConfig config, Duration timeout) {
    List<CompletableFuture<GetStatusResponse>> answers = new ArrayList<>();
    config.groups().forEach((gid, servers) -> {
      for (ShardKvEndpoint endpoint : caller(gid, servers).endpoints()) {
        answers.add(endpoint.shardStatus(timeout).orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS));
      }
    });
    List<ShardKvNodeStatus> rows = new ArrayList<>();
    int next = 0;
    for (Map.Entry<Integer, List<String>> group : config.groups().entrySet()) {
      for (int i = 0; i < group.getValue().size(); i++) {
        String address = group.getValue().get(i);
        try {
          GetStatusResponse s = answers.get(next++).join();
          rows.add(new ShardKvNodeStatus(group.getKey(), NodeStatus.answered(ReplicaStatus.fromProto(s), address),
              s.getShardsList()));
        } catch (RuntimeException e) {
          rows.add(new ShardKvNodeStatus(group.getKey(), NodeStatus.unanswered(i, address, e, timeout), List.of()));
        }
      }
    }
    return rows;
  }

  @Override
  public void close() {
    network.close();
  }
}
