package io.eraft.raft;

/**
 * Told when a node starts or stops leading its group, so a service runs its leader-only work (a
 * ShardKV group's configuration poller and shard pulls) exactly while it leads, woken by the node
 * rather than polling it.
 */
@FunctionalInterface
public interface LeadershipListener {
  /**
   * The node became leader of {@code term} ({@code leading}), or stopped leading {@code term}
   * (stepped down, or the node stopped). Called on the raft loop, in order, never concurrently: it
   * must return quickly and hand any work to another thread. An exception it throws is logged and
   * otherwise ignored.
   */
  void leadershipChanged(boolean leading, long term);
}
