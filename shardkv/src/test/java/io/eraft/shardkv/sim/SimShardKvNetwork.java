package io.eraft.shardkv.sim;

import io.eraft.shardkv.client.ShardKvEndpoint;
import io.eraft.shardkv.client.ShardKvNetwork;
import java.util.Set;

/**
 * Reaches simulated ShardKV servers by their harness names ({@code server-<gid>-<i>}, eRaft's),
 * through fresh enabled ends on each group's network, for a caller in group {@code fromGid} (0 for
 * a test's clerk): its calls to a group the system has cut it from fail. Ends hold nothing to
 * close. Thread-safe.
 */
final class SimShardKvNetwork implements ShardKvNetwork {
  private final ShardKvSimSystem system;
  private final int fromGid;

  SimShardKvNetwork(ShardKvSimSystem system, int fromGid) {
    this.system = system;
    this.fromGid = fromGid;
  }

  @Override
  public ShardKvEndpoint endpoint(String address) {
    String[] parts = address.split("-");
    if (parts.length != 3 || !parts[0].equals("server")) {
      throw new IllegalArgumentException("not a simulated server name: " + address);
    }
    int gid = Integer.parseInt(parts[1]);
    int index = Integer.parseInt(parts[2]);
    return new SimShardKvEndpoint(system.group(gid).connectedEnd(index), address, () -> system.isCut(fromGid, gid));
  }

  @Override
  public void closeAllExcept(Set<String> wanted) {}

  @Override
  public void close() {}
}
