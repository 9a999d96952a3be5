package io.eraft.raft.transport;

import io.eraft.raft.core.RaftMessage;
import java.util.concurrent.CompletableFuture;

/**
 * The receiving side of a {@link Transport}, implemented by the node. Its methods are called from
 * transport threads (or, for a request that fails at once, the sending thread), must not block, and
 * are thread-safe.
 */
public interface InboundHandler {
  /**
   * A {@code RequestVote} or {@code AppendEntries} from a peer. The future completes with the
   * answer to send back (or exceptionally if the node stopped).
   */
  CompletableFuture<RaftMessage> handleRequest(RaftMessage request);

  /** The answer to a request this node sent. */
  void handleResponse(RaftMessage response);

  /** A request to {@code peer} was lost, timed out, or could not be sent. */
  void peerUnreachable(long peer);

  /**
   * One chunk of a snapshot streamed by leader {@code chunk.from()}. The reply carries this node's
   * term, the offset it expects next, and, after the last chunk, how far its log now matches.
   */
  CompletableFuture<SnapshotChunkReply> handleSnapshotChunk(SnapshotChunk chunk);
}
