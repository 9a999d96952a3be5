package io.eraft.raft.core;

/** A point-in-time view of a core, for status reporting and tests. */
public record CoreStatus(
    long id, Role role, long term, long votedFor, long leaderId, long commitIndex, long appliedIndex,
    long firstIndex, long lastIndex, Standing standing, long clusterId) {}
