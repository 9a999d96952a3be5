package io.eraft.raft.transport;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.protobuf.ByteString;
import io.eraft.raft.core.AppendEntries;
import io.eraft.raft.core.AppendEntriesResponse;
import io.eraft.raft.core.RaftMessage;
import io.eraft.raft.core.RequestVote;
import io.eraft.raft.core.RequestVoteResponse;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An {@link InboundHandler} for transport tests (shared through the test-jar): records everything
 * delivered and answers with a replaceable function. By default it grants votes at the request's
 * term, accepts every append, and accepts snapshot chunks in order, keeping their bytes.
 * Thread-safe.
 */
public final class RecordingHandler implements InboundHandler {
  /** How long a test waits for an expected event before failing (a liveness guard). */
  public static final long WAIT_SECONDS = 30;

  public final BlockingQueue<RaftMessage> requests = new LinkedBlockingQueue<>();
  public final BlockingQueue<RaftMessage> responses = new LinkedBlockingQueue<>();
  public final BlockingQueue<Long> unreachable = new LinkedBlockingQueue<>();
  public final BlockingQueue<SnapshotChunk> chunks = new LinkedBlockingQueue<>();
  public volatile Function<RaftMessage, CompletableFuture<RaftMessage>> answer =
      request -> CompletableFuture.completedFuture(accept(request));
  public volatile Function<SnapshotChunk, CompletableFuture<SnapshotChunkReply>> chunkAnswer =
      chunk -> CompletableFuture.completedFuture(stage(chunk));
  private final ByteArrayOutputStream snapshot = new ByteArrayOutputStream();

  @Override
  public CompletableFuture<RaftMessage> handleRequest(RaftMessage request) {
    requests.add(request);
    return answer.apply(request);
  }

  @Override
  public void handleResponse(RaftMessage response) {
    responses.add(response);
  }

  @Override
  public void peerUnreachable(long peer) {
    unreachable.add(peer);
  }

  @Override
  public CompletableFuture<SnapshotChunkReply> handleSnapshotChunk(SnapshotChunk chunk) {
    chunks.add(chunk);
    return chunkAnswer.apply(chunk);
  }

  /** The bytes of the snapshot chunks accepted so far, in order. */
  public synchronized ByteString snapshotBytes() {
    return ByteString.copyFrom(snapshot.toByteArray());
  }

  /** The next item of {@code queue}, waiting up to {@link #WAIT_SECONDS}; fails the test if none. */
  public static <T> T next(BlockingQueue<T> queue) throws InterruptedException {
    T item = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(item, "nothing arrived within " + WAIT_SECONDS + " s");
    return item;
  }

  /** The default answer: a granted vote or a successful append, addressed back to the sender. */
  public static RaftMessage accept(RaftMessage request) {
    if (request instanceof RequestVote rv) {
      return new RequestVoteResponse(rv.to(), rv.from(), rv.term(), true, rv.preVote(), rv.callId());
    }
    AppendEntries ae = (AppendEntries) request;
    return new AppendEntriesResponse(ae.to(), ae.from(), ae.term(), true, ae.lastIndex(), 0, 0, ae.readRound(), false,
        ae.callId());
  }

  private synchronized SnapshotChunkReply stage(SnapshotChunk chunk) {
    if (chunk.offset() == snapshot.size()) {
      snapshot.writeBytes(chunk.data().toByteArray());
    }
    return new SnapshotChunkReply(chunk.term(), snapshot.size(), chunk.done() ? chunk.lastIncludedIndex() : 0);
  }
}
