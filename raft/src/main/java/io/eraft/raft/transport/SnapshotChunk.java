package io.eraft.raft.transport;

import com.google.protobuf.ByteString;

/** One piece of a streamed snapshot: {@code InstallSnapshotRequest} with offset/done. */
public record SnapshotChunk(
    long from, long to, long term, long lastIncludedIndex, long lastIncludedTerm, long offset,
    ByteString data, boolean done) {}
