package io.eraft.shardkv.sim;

import io.eraft.shardkv.client.ShardKvEndpoint;
import io.eraft.shardkv.client.ShardKvNetwork;
import java.util.Set;

/**
 * Reaches simulated ShardKV servers by their harness names ({@code server-<gid>-<i>}, eRaft's),
 * through fresh enabled ends on each group's network. Ends hold nothing to close. Thread-safe.
 */
final class SimShardKvNetwork implements ShardKvNetwork {
  private final ShardKvSimSystem system;

  SimShardKvNetwork(ShardKvSimSystem system) {
    this.system = system;
  }

  @Override
  public ShardKvEndpoint endpoint(String address) {
    String[] parts = address.split("-");
    if (parts.length != 3 || !parts[0].equals("server")) {
      throw new IllegalArgumentException("not a simulated server name: " + address);
    }
    int gid = Integer.parseInt(parts[1]);
    int index = Integer.parseInt(parts[2]);
    return new SimShardKvEndpoint(system.group(gid).connectedEnd(index), address);
  }

  @Override
  public void closeAllExcept(Set<String> wanted) {}

  @Override
  public void close() {}
}
