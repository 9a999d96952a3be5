package io.eraft.raft.core;

/** A node's role. Names match eRaft's status strings; a pre-candidate reports "Candidate". */
public enum Role {
  FOLLOWER("Follower"),
  PRE_CANDIDATE("Candidate"),
  CANDIDATE("Candidate"),
  LEADER("Leader");

  private final String displayName;

  Role(String displayName) {
    this.displayName = displayName;
  }

  /** The string eRaft's {@code GetStatus} reports for this role. */
  public String displayName() {
    return displayName;
  }
}
