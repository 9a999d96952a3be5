package io.eraft.raft.transport;

import io.eraft.raft.SnapshotSource;
import io.eraft.raft.core.SnapshotMeta;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/** A snapshot held in memory, remembering whether it was closed. Thread-safe. */
public final class BytesSnapshotSource implements SnapshotSource {
  private final SnapshotMeta meta;
  private final ByteArrayInputStream data;
  private final AtomicBoolean closed = new AtomicBoolean();

  public BytesSnapshotSource(SnapshotMeta meta, byte[] data) {
    this.meta = meta;
    this.data = new ByteArrayInputStream(data);
  }

  @Override
  public SnapshotMeta meta() {
    return meta;
  }

  @Override
  public InputStream data() {
    return data;
  }

  @Override
  public void close() {
    closed.set(true);
  }

  public boolean isClosed() {
    return closed.get();
  }
}
