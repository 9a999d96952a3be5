package io.eraft.raft;

import io.eraft.raft.core.SnapshotMeta;
import java.io.InputStream;

/**
 * A point-in-time snapshot being read. Thread-safe to read from one thread other than the apply
 * thread; {@link #close()} releases it (always called).
 */
public interface SnapshotSource extends AutoCloseable {
  SnapshotMeta meta();

  /** The snapshot's bytes; read once, from the start. */
  InputStream data();

  @Override
  void close();
}
