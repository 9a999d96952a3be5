package io.eraft.raft;

/**
 * Why a proposal or read did not produce a result. Services map the reason to eRaft's error
 * strings ({@code ErrWrongLeader}, {@code ErrTimeout}).
 */
public final class ProposalFailedException extends RuntimeException {
  /** The named outcomes. */
  public enum Reason {
    /** This node does not lead; {@link #leaderHint()} may name the node that does. Not applied. */
    NOT_LEADER,
    /** Leadership changed and another entry took the proposal's index. Not applied. */
    LEADERSHIP_LOST,
    /** The node replaced its state with a snapshot; the proposal may or may not have applied. */
    OUTCOME_UNKNOWN,
    /** Too many proposals are queued. Not applied. */
    OVERLOADED,
    /** The node stopped; the proposal may or may not have applied. */
    STOPPED
  }

  private final Reason reason;
  private final long leaderHint;

  public ProposalFailedException(Reason reason, long leaderHint, String message) {
    super(message);
    this.reason = reason;
    this.leaderHint = leaderHint;
  }

  public Reason reason() {
    return reason;
  }

  /** The leader this node knows of, or -1. */
  public long leaderHint() {
    return leaderHint;
  }
}
