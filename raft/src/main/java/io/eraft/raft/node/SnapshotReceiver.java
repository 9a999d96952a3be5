package io.eraft.raft.node;

import io.eraft.raft.core.SnapshotMeta;
import io.eraft.raft.storage.StorageException;
import io.eraft.raft.transport.SnapshotChunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Stages a snapshot streamed in chunks into a file, so the state machine installs it only once it
 * arrived whole. A stream restarts whenever a chunk with offset 0 arrives; a chunk at any other
 * offset than the bytes held is refused (the reply says what offset is expected). The last chunk
 * fsyncs the file and renames it to a ready file named after its index and term, which the raft
 * loop claims for installation.
 * Thread-safe (chunks arrive on transport threads, the claim on the raft loop).
 */
public final class SnapshotReceiver {
  private final Path dir;
  private final Path receiving;
  private final Path installing;
  private FileChannel out;
  private SnapshotMeta streaming;
  private long streamingTerm;
  private long received;

  public SnapshotReceiver(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageException("cannot create snapshot staging directory " + dir + ": " + e.getMessage(), e);
    }
    this.dir = dir;
    this.receiving = dir.resolve("snapshot.receiving");
    this.installing = dir.resolve("snapshot.installing");
  }

  /**
   * Writes one chunk; returns the offset expected next. When the chunk completes a snapshot the
   * returned offset equals {@code chunk.offset() + chunk.data().size()} and the snapshot is ready.
   */
  public synchronized long accept(SnapshotChunk chunk) throws IOException {
    SnapshotMeta meta = new SnapshotMeta(chunk.lastIncludedIndex(), chunk.lastIncludedTerm());
    if (chunk.offset() == 0) {
      if (streaming != null && chunk.term() < streamingTerm) {
        return received; // a deposed leader's transfer must not abort the current leader's
      }
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
      Files.move(receiving, ready(streaming), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      streaming = null;
    }
    return received;
  }

  /**
   * Claims the staged snapshot {@code meta} for installation. Each completed snapshot is staged
   * under its own name, so one arriving meanwhile (from a newer leader) does not replace it. The
   * returned file is the caller's until it calls {@link #installed}.
   *
   * @throws IllegalStateException if no snapshot {@code meta} is staged
   */
  public synchronized Path claim(SnapshotMeta meta) throws IOException {
    Path staged = ready(meta);
    if (!Files.exists(staged)) {
      throw new IllegalStateException("asked to install snapshot " + meta + " but it is not staged in " + dir);
    }
    Files.move(staged, installing, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return installing;
  }

  /** The claimed snapshot is installed: drop it and every staged one it supersedes. */
  public synchronized void installed(SnapshotMeta meta) throws IOException {
    Files.deleteIfExists(installing);
    try (DirectoryStream<Path> staged = Files.newDirectoryStream(dir, "snapshot-*.ready")) {
      for (Path p : staged) {
        String[] indexTerm = p.getFileName().toString().replace("snapshot-", "").replace(".ready", "").split("-");
        if (Long.parseLong(indexTerm[0]) <= meta.index()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private Path ready(SnapshotMeta meta) {
    return dir.resolve("snapshot-" + meta.index() + "-" + meta.term() + ".ready");
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
