package io.eraft.raft.transport;

import java.time.Duration;

/**
 * Tuning of a {@link GrpcTransport}. Immutable; the constructor rejects each bad value with its own
 * message. Start from {@link #DEFAULTS} and change fields with the {@code withX} methods.
 *
 * @param rpcTimeout deadline of one RequestVote call, and of one AppendEntries on a peer's stream (an
 *     unanswered one cancels the stream, checked every quarter {@code rpcTimeout}); a request
 *     without an answer by then reports the peer unreachable. Raise it on slow networks; keep it well
 *     below the election timeout so a lost heartbeat is noticed before followers campaign
 * @param snapshotChunkTimeout deadline of one InstallSnapshot chunk, which the receiver writes to
 *     disk before answering; raise it for slow disks or large chunks
 * @param snapshotChunkBytes bytes of snapshot data per InstallSnapshot call; must fit, with a little
 *     room for the other fields, in {@code maxInboundMessageBytes} (of the receiving server, too)
 * @param maxInboundMessageBytes largest answer a peer channel accepts. The caller owns the gRPC
 *     server and should give it the same limit ({@code maxInboundMessageSize}), since it bounds the
 *     AppendEntries batches and snapshot chunks this node receives
 * @param maxOutstandingRequestsPerPeer RequestVote/AppendEntries requests to one peer awaiting an
 *     answer; beyond it a send is dropped and the peer reported unreachable, so a stalled peer
 *     cannot pile up unbounded memory. The server side also takes at most this many requests from
 *     one inbound AppendEntries stream before their answers are written
 */
public record GrpcTransportOptions(
    Duration rpcTimeout,
    Duration snapshotChunkTimeout,
    int snapshotChunkBytes,
    int maxInboundMessageBytes,
    int maxOutstandingRequestsPerPeer) {
  /** Room for an InstallSnapshotRequest's other fields and framing beside its data. */
  private static final int CHUNK_OVERHEAD_BYTES = 1024;

  /** 500 ms RPC deadline, 10 s per chunk, 1 MiB chunks, 64 MiB inbound limit, 1024 outstanding. */
  public static final GrpcTransportOptions DEFAULTS =
      new GrpcTransportOptions(Duration.ofMillis(500), Duration.ofSeconds(10), 1 << 20, 64 << 20, 1024);

  public GrpcTransportOptions {
    requirePositive("rpcTimeout", rpcTimeout);
    requirePositive("snapshotChunkTimeout", snapshotChunkTimeout);
    if (snapshotChunkBytes <= 0) {
      throw new IllegalArgumentException("snapshotChunkBytes must be positive, got " + snapshotChunkBytes);
    }
    if (maxInboundMessageBytes < (long) snapshotChunkBytes + CHUNK_OVERHEAD_BYTES) {
      throw new IllegalArgumentException("maxInboundMessageBytes (" + maxInboundMessageBytes
          + ") must exceed snapshotChunkBytes (" + snapshotChunkBytes + ") by at least " + CHUNK_OVERHEAD_BYTES);
    }
    if (maxOutstandingRequestsPerPeer <= 0) {
      throw new IllegalArgumentException(
          "maxOutstandingRequestsPerPeer must be positive, got " + maxOutstandingRequestsPerPeer);
    }
  }

  public GrpcTransportOptions withRpcTimeout(Duration value) {
    return new GrpcTransportOptions(value, snapshotChunkTimeout, snapshotChunkBytes, maxInboundMessageBytes,
        maxOutstandingRequestsPerPeer);
  }

  public GrpcTransportOptions withSnapshotChunkTimeout(Duration value) {
    return new GrpcTransportOptions(rpcTimeout, value, snapshotChunkBytes, maxInboundMessageBytes,
        maxOutstandingRequestsPerPeer);
  }

  public GrpcTransportOptions withSnapshotChunkBytes(int value) {
    return new GrpcTransportOptions(rpcTimeout, snapshotChunkTimeout, value, maxInboundMessageBytes,
        maxOutstandingRequestsPerPeer);
  }

  public GrpcTransportOptions withMaxInboundMessageBytes(int value) {
    return new GrpcTransportOptions(rpcTimeout, snapshotChunkTimeout, snapshotChunkBytes, value,
        maxOutstandingRequestsPerPeer);
  }

  public GrpcTransportOptions withMaxOutstandingRequestsPerPeer(int value) {
    return new GrpcTransportOptions(rpcTimeout, snapshotChunkTimeout, snapshotChunkBytes, maxInboundMessageBytes,
        value);
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
    }
  }
}
