package io.eraft.raft.sim;

import com.google.protobuf.ByteString;
import io.eraft.raft.SnapshotSource;
import io.eraft.raft.StateMachine;
import io.eraft.raft.core.Entry;
import io.eraft.raft.core.SnapshotMeta;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A state machine for Raft tests: it records every command it applied, in order, and returns the
 * index each was applied at. Its state lives in memory and is treated as durable, so tests restart
 * a node by building a new {@code RaftNode} around the same instance. Snapshots carry the whole
 * command list. Thread-safe for the reads tests make.
 */
public final class RecordingStateMachine implements StateMachine<Long> {
  private final List<ByteString> commands = new ArrayList<>();
  private SnapshotMeta applied = SnapshotMeta.EMPTY;
  private int snapshotsInstalled;

  @Override
  public synchronized List<Long> apply(List<Entry> entries) {
    List<Long> results = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      if (e.index() != applied.index() + 1) {
        throw new IllegalStateException("applied " + e.index() + " after " + applied.index());
      }
      if (!e.isNoop()) {
        commands.add(e.data());
      }
      applied = new SnapshotMeta(e.index(), e.term());
      results.add(e.isNoop() ? null : e.index());
    }
    return results;
  }

  @Override
  public synchronized SnapshotMeta applied() {
    return applied;
  }

  @Override
  public synchronized SnapshotSource openSnapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(commands.size());
      for (ByteString c : commands) {
        out.writeInt(c.size());
        c.writeTo(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SnapshotMeta meta = applied;
    byte[] data = bytes.toByteArray();
    return new SnapshotSource() {
      @Override
      public SnapshotMeta meta() {
        return meta;
      }

      @Override
      public InputStream data() {
        return new ByteArrayInputStream(data);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public synchronized void installSnapshot(SnapshotMeta meta, InputStream data) throws IOException {
    DataInputStream in = new DataInputStream(data);
    List<ByteString> restored = new ArrayList<>();
    for (int i = in.readInt(); i > 0; i--) {
      restored.add(ByteString.readFrom(new LimitedStream(in, in.readInt())));
    }
    commands.clear();
    commands.addAll(restored);
    applied = meta;
    snapshotsInstalled++;
  }

  public synchronized List<ByteString> commands() {
    return List.copyOf(commands);
  }

  public synchronized int snapshotsInstalled() {
    return snapshotsInstalled;
  }

  /** Reads exactly {@code remaining} bytes of the underlying stream. */
  private static final class LimitedStream extends InputStream {
    private final InputStream in;
    private int remaining;

    LimitedStream(InputStream in, int remaining) {
      this.in = in;
      this.remaining = remaining;
    }

    @Override
    public int read() throws IOException {
      if (remaining == 0) {
        return -1;
      }
      remaining--;
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining == 0) {
        return -1;
      }
      int n = in.read(b, off, Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }
  }
}
