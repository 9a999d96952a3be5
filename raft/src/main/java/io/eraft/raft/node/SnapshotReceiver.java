package io.eraft.raft.node;

import io.eraft.raft.core.SnapshotMeta;
import io.eraft.raft.storage.StorageException;
import io.eraft.raft.transport.SnapshotChunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Stages a snapshot streamed in chunks into a file, so the state machine installs it only once it
 * arrived whole. A stream restarts whenever a chunk with offset 0 arrives; a chunk at any other
 * offset than the bytes held is refused (the reply says what offset is expected). The last chunk
 * fsyncs the file and renames it to a ready file, which the raft loop claims for installation.
 * Thread-safe (chunks arrive on transport threads, the claim on the raft loop).
 */
public final class SnapshotReceiver {
  private final Path receiving;
  private final Path ready;
  private final Path installing;
  private FileChannel out;
  private SnapshotMeta streaming;
  private long streamingTerm;
  private long received;
  private SnapshotMeta readyMeta;

  public SnapshotReceiver(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageException("cannot create snapshot staging directory " + dir + ": " + e.getMessage(), e);
    }
    this.receiving = dir.resolve("snapshot.receiving");
    this.ready = dir.resolve("snapshot.ready");
    this.installing = dir.resolve("snapshot.installing");
  }

  /**
   * Writes one chunk; returns the offset expected next. When the chunk completes a snapshot the
   * returned offset equals {@code chunk.offset() + chunk.data().size()} and the snapshot is ready.
   */
  public synchronized long accept(SnapshotChunk chunk) throws IOException {
    SnapshotMeta meta = new SnapshotMeta(chunk.lastIncludedIndex(), chunk.lastIncludedTerm());
    if (chunk.offset() == 0) {
      restart(meta, chunk.term());
    } else if (!meta.equals(streaming) || chunk.term() != streamingTerm || chunk.offset() != received) {
      return streaming == null ? 0 : received;
    }
    for (ByteBuffer b : chunk.data().asReadOnlyByteBufferList()) {
      while (b.hasRemaining()) {
        out.write(b);
      }
    }
    received += chunk.data().size();
    if (chunk.done()) {
      out.force(true);
      out.close();
      out = null;
      Files.move(receiving, ready, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      readyMeta = streaming;
      streaming = null;
    }
    return received;
  }

  /**
   * Claims the ready snapshot for installation. The returned file is the caller's until it calls
   * {@link #installed()}; a snapshot arriving meanwhile does not touch it.
   *
   * @throws IllegalStateException if the ready snapshot is not {@code meta}
   */
  public synchronized Path claim(SnapshotMeta meta) throws IOException {
    if (!meta.equals(readyMeta)) {
      throw new IllegalStateException("asked to install snapshot " + meta + " but the staged one is " + readyMeta);
    }
    Files.move(ready, installing, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    readyMeta = null;
    return installing;
  }

  public synchronized void installed() throws IOException {
    Files.deleteIfExists(installing);
  }

  public synchronized void close() throws IOException {
    if (out != null) {
      out.close();
      out = null;
    }
  }

  private void restart(SnapshotMeta meta, long term) throws IOException {
    close();
    out = FileChannel.open(receiving, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    streaming = meta;
    streamingTerm = term;
    received = 0;
  }
}
