package io.eraft.raft.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.iq80.leveldb.DBIterator;

/**
 * The bytes of a state snapshot in {@link StateSnapshotFormat}, produced lazily from a LevelDB
 * iterator as they are read, so a snapshot of any size streams in bounded memory. Skips the
 * store's reserved keys (first byte 0). Owns the iterator.
 */
final class StateSnapshotStream extends InputStream {
  private static final int CHUNK_BYTES = 64 * 1024;
  private static final byte[] FIRST_USER_KEY = {1};

  private final DBIterator iterator;
  private final Buffer buffer = new Buffer();
  private final StateSnapshotFormat.Writer writer;
  private int position;
  private boolean finished;

  StateSnapshotStream(DBIterator iterator) {
    this.iterator = iterator;
    iterator.seek(FIRST_USER_KEY);
    try {
      this.writer = new StateSnapshotFormat.Writer(buffer);
    } catch (IOException e) {
      throw new AssertionError("writing to memory cannot fail", e);
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (position == buffer.size() && !refill()) {
      return -1;
    }
    int n = Math.min(len, buffer.size() - position);
    System.arraycopy(buffer.bytes(), position, b, off, n);
    position += n;
    return n;
  }

  /** Encodes the next pairs into the buffer; false once everything, trailer included, was read. */
  private boolean refill() throws IOException {
    if (finished) {
      return false;
    }
    buffer.reset();
    position = 0;
    while (buffer.size() < CHUNK_BYTES && iterator.hasNext()) {
      Map.Entry<byte[], byte[]> e = iterator.next();
      writer.pair(e.getKey(), e.getValue());
    }
    if (!iterator.hasNext()) {
      writer.finish();
      finished = true;
    }
    return buffer.size() > 0;
  }

  @Override
  public void close() throws IOException {
    iterator.close();
  }

  /** A byte buffer whose contents can be read without copying. */
  private static final class Buffer extends ByteArrayOutputStream {
    byte[] bytes() {
      return buf;
    }
  }
}
