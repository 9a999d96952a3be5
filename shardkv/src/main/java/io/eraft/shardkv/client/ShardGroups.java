package io.eraft.shardkv.client;

import io.eraft.raft.client.LeaderCaller;
import io.eraft.raft.client.RetryPolicy;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

  @Override
  public void close() {
    network.close();
  }
}
