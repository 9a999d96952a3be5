package io.eraft.raft.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.eraft.raft.Millis;
import io.eraft.raft.SnapshotSource;
import io.eraft.raft.core.InstallSnapshotResponse;
import io.eraft.raft.core.SnapshotMeta;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one snapshot to one peer (Raft paper figure 13): reads {@code chunkBytes} at a time and
 * sends each as an InstallSnapshot call with its byte offset, waiting for the answer before the next
 * chunk; the last chunk (the only one, for an empty snapshot) has {@code done} set.
 *
 * <p>Runs once, on a snapshot thread of {@link GrpcTransport}: reading the snapshot may block on
 * disk and each chunk blocks on its call. Completes {@link #future()} with the peer's answer to the
 * last chunk, or exceptionally with {@link HigherTermException} or {@link SnapshotSendException};
 * always closes the source.
 */
final class SnapshotTransfer implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotTransfer.class);

  private final long self;
  private final long to;
  private final long term;
  private final SnapshotSource source;
  private final PeerClient client;
  private final PeerMetrics metrics;
  private final int chunkBytes;
  private final CompletableFuture<InstallSnapshotResponse> future = new CompletableFuture<>();
  private long offset;

  SnapshotTransfer(long self, long to, long term, SnapshotSource source, PeerClient client, PeerMetrics metrics,
      int chunkBytes) {
    this.self = self;
    this.to = to;
    this.term = term;
    this.source = source;
    this.client = client;
    this.metrics = metrics;
    this.chunkBytes = chunkBytes;
  }

  CompletableFuture<InstallSnapshotResponse> future() {
    return future;
  }

  @Override
  public void run() {
    long startNanos = System.nanoTime();
    InstallSnapshotResponse response;
    try (source) {
      response = stream();
    } catch (HigherTermException e) {
      metrics.snapshotFailed();
      LOG.atInfo().addKeyValue("to", to).addKeyValue("peerTerm", e.term())
          .log("node {} stopped sending a snapshot: the peer has a higher term", self);
      future.completeExceptionally(e);
      return;
    } catch (IOException | RuntimeException e) {
      fail(e instanceof SnapshotSendException s ? s
          : new SnapshotSendException(to, "failed after " + offset + " bytes: " + e, e));
      return;
    }
    metrics.snapshotSucceeded(System.nanoTime() - startNanos);
    LOG.atInfo().addKeyValue("to", to).addKeyValue("bytes", offset).addKeyValue("match", response.matchIndex())
        .addKeyValue("tookMs", Millis.of(System.nanoTime() - startNanos)).log("node {} sent a snapshot", self);
    future.complete(response);
  }

  /** Fails the transfer without running it (the transport is closed or busy). */
  void reject(String reason) {
    source.close();
    fail(new SnapshotSendException(to, reason, null));
  }

  private void fail(SnapshotSendException e) {
    metrics.snapshotFailed();
    LOG.warn("node {}: {}", self, e.getMessage());
    future.completeExceptionally(e);
  }

  private InstallSnapshotResponse stream() throws IOException {
    SnapshotMeta meta = source.meta();
    InputStream in = source.data();
    ByteString chunk = read(in);
    while (true) {
      // Read one chunk ahead: the current chunk is the last one exactly when nothing follows it.
      ByteString next = chunk.size() < chunkBytes ? ByteString.EMPTY : read(in);
      boolean done = next.isEmpty();
      SnapshotChunkReply reply;
      try {
        reply = client.installSnapshot(
            new SnapshotChunk(self, to, term, meta.index(), meta.term(), offset, chunk, done));
      } catch (StatusRuntimeException e) {
        throw new SnapshotSendException(to, "chunk at offset " + offset + " failed: " + e.getStatus().getCode()
            + " " + e.getStatus().getDescription(), e);
      }
      if (reply.term() > term) {
        throw new HigherTermException(to, reply.term());
      }
      offset += chunk.size();
      if (done) {
        return new InstallSnapshotResponse(to, self, reply.term(), reply.matchIndex(), 0);
      }
      if (reply.nextOffset() != offset) {
        throw new SnapshotSendException(to, "peer expects offset " + reply.nextOffset() + " after " + offset
            + " bytes were sent", null);
      }
      chunk = next;
    }
  }

  private ByteString read(InputStream in) throws IOException {
    // The array is fresh and never written again, so wrapping it without a copy is safe.
    return UnsafeByteOperations.unsafeWrap(in.readNBytes(chunkBytes));
  }
}
