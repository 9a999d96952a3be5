package io.eraft.raft.core;

/**
 * Whether a node may vote and campaign. Raft assumes a voter never forgets what it promised; a
 * node that lost its disk has forgotten its votes and the entries it acknowledged, so it must not
 * vote until a leader has given it back everything it could have helped commit.
 */
public enum Standing {
  /** A full member: votes, campaigns and counts toward every quorum. */
  VOTER("voter"),
  /**
   * Started with no Raft state at all: either a brand-new group is forming or this node lost its
   * disk. It asks its peers which, and neither votes nor campaigns until it knows.
   */
  UNDECIDED("joining"),
  /**
   * The group exists but this node holds less than it once promised (or never joined): it follows
   * a leader and catches up but neither votes nor campaigns until that leader restores it.
   * Persisted, so a restart keeps it recovering.
   */
  RECOVERING("catching up");

  private final String displayName;

  Standing(String displayName) {
    this.displayName = displayName;
  }

  /** What {@code GetStatus} and the status tables show. */
  public String displayName() {
    return displayName;
  }
}
