package io.eraft.raft.transport;

/**
 * Answer to a {@link SnapshotChunk}: the receiver's term, the byte offset it expects next, and,
 * after the last chunk, the index through which its log now matches the leader's (0 before).
 */
public record SnapshotChunkReply(long term, long nextOffset, long matchIndex) {}
