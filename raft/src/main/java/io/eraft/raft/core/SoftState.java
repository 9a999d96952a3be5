package io.eraft.raft.core;

/** Volatile state worth reporting: who leads, and what this node is. Never persisted. */
public record SoftState(long leaderId, Role role) {
  public static final long NO_LEADER = -1;
}
