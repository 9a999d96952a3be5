package io.eraft.raft;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Operator-facing settings of one Raft node, validated once by {@link Builder#build()}; each bad
 * value is reported with the command-line flag that sets it. Immutable.
 *
 * @param id this node's id (its position in {@code peers} in eRaft's CLI)
 * @param peers every voter's id, this node's included
 * @param dataDir where the node stages incoming snapshots ({@code --db} subdirectory in the CLIs)
 * @param tickInterval the logical clock's resolution; timeouts are rounded to whole ticks. 50 ms by
 *     default: each tick wakes two threads, and at 10 ms the ticks of an idle node cost about 1% of a
 *     core (etcd ticks every 100 ms, TiKV every second); proposals and reads never wait for a tick
 * @param heartbeatInterval how often a leader heartbeats; well below {@code electionTimeout}
 * @param electionTimeout base election timeout; each wait is drawn from [T, 2T)
 * @param preVote campaign with a PreVote round first, so a rejoining node cannot depose a leader
 * @param checkQuorum a leader steps down when it has not heard from a majority for an election
 *     timeout, and followers ignore candidates while they hear from a leader
 * @param maxBytesPerMessage cap on entry bytes per AppendEntries; larger logs go in several messages
 * @param maxInflightMessages AppendEntries pipelined per follower before waiting for acknowledgements
 * @param maxInflightBytes entry bytes pipelined per follower before waiting for acknowledgements
 * @param snapshotThresholdBytes compact the log once this many entry bytes were applied since the
 *     last compaction; bounds log size and restart time
 * @param compactionRetainEntries entries kept behind the compaction point, so a briefly lagging
 *     follower catches up from the log instead of needing a snapshot
 * @param maxPendingProposals proposals queued for the raft loop before new ones are refused
 * @param randomSeed seed of the election-timeout jitter; fixed only to replay a run
 */
public record RaftConfig(
    long id,
    List<Long> peers,
    Path dataDir,
    Duration tickInterval,
    Duration heartbeatInterval,
    Duration electionTimeout,
    boolean preVote,
    boolean checkQuorum,
    long maxBytesPerMessage,
    int maxInflightMessages,
    long maxInflightBytes,
    long snapshotThresholdBytes,
    long compactionRetainEntries,
    int maxPendingProposals,
    long randomSeed) {
  public static Builder builder() {
    return new Builder();
  }

  public int heartbeatTicks() {
    return (int) (heartbeatInterval.toNanos() / tickInterval.toNanos());
  }

  public int electionTicks() {
    return (int) (electionTimeout.toNanos() / tickInterval.toNanos());
  }

  /** Fills defaults (DESIGN §3: heartbeat 100 ms, election timeout 1000 ms) and validates. */
  public static final class Builder {
    private long id = -1;
    private List<Long> peers = List.of();
    private Path dataDir;
    private Duration tickInterval = Duration.ofMillis(50);
    private Duration heartbeatInterval = Duration.ofMillis(100);
    private Duration electionTimeout = Duration.ofMillis(1000);
    private boolean preVote = true;
    private boolean checkQuorum = true;
    private long maxBytesPerMessage = 1 << 20;
    private int maxInflightMessages = 256;
    private long maxInflightBytes = 32L << 20;
    private long snapshotThresholdBytes = 64L << 20;
    private long compactionRetainEntries = 1000;
    private int maxPendingProposals = 100_000;
    private long randomSeed = System.nanoTime();

    private Builder() {}

    public Builder id(long id) {
      this.id = id;
      return this;
    }

    public Builder peers(List<Long> peers) {
      this.peers = List.copyOf(peers);
      return this;
    }

    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    public Builder tickInterval(Duration tickInterval) {
      this.tickInterval = tickInterval;
      return this;
    }

    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = heartbeatInterval;
      return this;
    }

    public Builder electionTimeout(Duration electionTimeout) {
      this.electionTimeout = electionTimeout;
      return this;
    }

    public Builder preVote(boolean preVote) {
      this.preVote = preVote;
      return this;
    }

    public Builder checkQuorum(boolean checkQuorum) {
      this.checkQuorum = checkQuorum;
      return this;
    }

    public Builder maxBytesPerMessage(long maxBytesPerMessage) {
      this.maxBytesPerMessage = maxBytesPerMessage;
      return this;
    }

    public Builder maxInflightMessages(int maxInflightMessages) {
      this.maxInflightMessages = maxInflightMessages;
      return this;
    }

    public Builder maxInflightBytes(long maxInflightBytes) {
      this.maxInflightBytes = maxInflightBytes;
      return this;
    }

    public Builder snapshotThresholdBytes(long snapshotThresholdBytes) {
      this.snapshotThresholdBytes = snapshotThresholdBytes;
      return this;
    }

    public Builder compactionRetainEntries(long compactionRetainEntries) {
      this.compactionRetainEntries = compactionRetainEntries;
      return this;
    }

    public Builder maxPendingProposals(int maxPendingProposals) {
      this.maxPendingProposals = maxPendingProposals;
      return this;
    }

    public Builder randomSeed(long randomSeed) {
      this.randomSeed = randomSeed;
      return this;
    }

    /** @throws IllegalArgumentException naming the flag of the first bad value */
    public RaftConfig build() {
      if (peers.isEmpty()) {
        throw new IllegalArgumentException("--addrs: at least one peer is required");
      }
      if (!peers.contains(id)) {
        throw new IllegalArgumentException("--id " + id + " is not a valid index into the " + peers.size()
            + " peer addresses (expected 0.." + (peers.size() - 1) + ")");
      }
      if (dataDir == null) {
        throw new IllegalArgumentException("--db: a data directory is required");
      }
      requirePositive("--tick-interval", tickInterval);
      requirePositive("--heartbeat-interval", heartbeatInterval);
      requirePositive("--election-timeout", electionTimeout);
      if (heartbeatInterval.compareTo(tickInterval) < 0) {
        throw new IllegalArgumentException("--heartbeat-interval " + heartbeatInterval.toMillis()
            + "ms is shorter than the tick interval " + tickInterval.toMillis() + "ms");
      }
      if (electionTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
        throw new IllegalArgumentException("--election-timeout " + electionTimeout.toMillis()
            + "ms must be at least twice --heartbeat-interval " + heartbeatInterval.toMillis() + "ms");
      }
      if (maxBytesPerMessage <= 0 || maxInflightMessages <= 0 || maxInflightBytes <= 0) {
        throw new IllegalArgumentException("--max-bytes-per-message and the in-flight limits must be positive");
      }
      if (snapshotThresholdBytes <= 0) {
        throw new IllegalArgumentException("--snapshot-threshold must be positive, got " + snapshotThresholdBytes);
      }
      if (compactionRetainEntries < 0) {
        throw new IllegalArgumentException("--compaction-retain-entries must not be negative");
      }
      if (maxPendingProposals <= 0) {
        throw new IllegalArgumentException("max pending proposals must be positive");
      }
      return new RaftConfig(id, peers, dataDir, tickInterval, heartbeatInterval, electionTimeout, preVote,
          checkQuorum, maxBytesPerMessage, maxInflightMessages, maxInflightBytes, snapshotThresholdBytes,
          compactionRetainEntries, maxPendingProposals, randomSeed);
    }

    private static void requirePositive(String flag, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(flag + " must be a positive duration, got " + d);
      }
    }
  }
}
