package io.eraft.raft.core;

import java.util.List;
import java.util.Random;
import org.slf4j.Logger;

/**
 * Settings of one {@link RaftCore}, in ticks. The node driver builds this from the operator-facing
 * {@code RaftConfig} (durations), so only tests construct it directly.
 *
 * @param id this node's id; must be one of {@code peers}
 * @param peers every voter's id, this node's included
 * @param electionTicks base election timeout; each wait is drawn from [T, 2T)
 * @param heartbeatTicks how often a leader heartbeats; must be well below {@code electionTicks}
 * @param preVote campaign with a PreVote round first so a rejoining node cannot depose a leader
 * @param checkQuorum a leader steps down after an election timeout without hearing from a majority,
 *     and followers ignore vote requests while they hear from a leader
 * @param maxBytesPerMessage cap on entry bytes in one AppendEntries (always at least one entry)
 * @param maxInflightMessages AppendEntries pipelined to one follower before waiting for acks
 * @param maxInflightBytes entry bytes pipelined to one follower before waiting for acks
 * @param maxCommittedBytesPerReady cap on committed entry bytes handed out per Ready
 * @param applied index the state machine has already durably applied (0 for a fresh node)
 * @param random the only source of randomness (election jitter); seed it to replay a run
 * @param logger where role and term changes are logged
 */
public record CoreConfig(
    long id,
    List<Long> peers,
    int electionTicks,
    int heartbeatTicks,
    boolean preVote,
    boolean checkQuorum,
    long maxBytesPerMessage,
    int maxInflightMessages,
    long maxInflightBytes,
    long maxCommittedBytesPerReady,
    long applied,
    Random random,
    Logger logger) {
  public CoreConfig {
    peers = List.copyOf(peers);
    if (!peers.contains(id)) {
      throw new IllegalArgumentException("node id " + id + " is not among the peers " + peers);
    }
    if (peers.stream().distinct().count() != peers.size()) {
      throw new IllegalArgumentException("duplicate peer ids in " + peers);
    }
    if (heartbeatTicks <= 0 || electionTicks <= heartbeatTicks) {
      throw new IllegalArgumentException("need 0 < heartbeat ticks (" + heartbeatTicks
          + ") < election ticks (" + electionTicks + ")");
    }
    if (maxBytesPerMessage <= 0 || maxInflightMessages <= 0 || maxCommittedBytesPerReady <= 0) {
      throw new IllegalArgumentException("message and in-flight limits must be positive");
    }
    if (applied < 0) {
      throw new IllegalArgumentException("applied index must not be negative: " + applied);
    }
  }
}
