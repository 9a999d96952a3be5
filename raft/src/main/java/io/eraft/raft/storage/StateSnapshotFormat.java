package io.eraft.raft.storage;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * The byte format of a state-machine snapshot: a header, then every key/value pair of the store in
 * key order, then a trailer with the pair count and a CRC32C of everything before it, so a
 * receiver can tell a complete, undamaged snapshot from a truncated or corrupt one before it
 * replaces its state.
 *
 * <pre>
 *   header  : int32 MAGIC, int32 VERSION
 *   pair    : byte 1, varint keyLength, key, varint valueLength, value
 *   trailer : byte 0, int64 pairCount, int32 crc32c(every byte before it)
 * </pre>
 */
final class StateSnapshotFormat {
  static final int MAGIC = 0x45525353; // "ERSS"
  static final int VERSION = 1;
  private static final int PAIR = 1;
  private static final int END = 0;

  private StateSnapshotFormat() {}

  /** Writes the snapshot's parts to an {@link OutputStream}, keeping the running checksum. */
  static final class Writer {
    private final OutputStream out;
    private final CRC32C crc = new CRC32C();
    private long pairs;

    Writer(OutputStream out) throws IOException {
      this.out = out;
      writeInt(MAGIC);
      writeInt(VERSION);
    }

    void pair(byte[] key, byte[] value) throws IOException {
      writeByte(PAIR);
      writeVarint(key.length);
      write(key);
      writeVarint(value.length);
      write(value);
      pairs++;
    }

    void finish() throws IOException {
      writeByte(END);
      writeLong(pairs);
      int checksum = (int) crc.getValue();
      out.write(new byte[] {(byte) (checksum >>> 24), (byte) (checksum >>> 16), (byte) (checksum >>> 8),
          (byte) checksum});
    }

    private void write(byte[] b) throws IOException {
      out.write(b);
      crc.update(b);
    }

    private void writeByte(int b) throws IOException {
      out.write(b);
      crc.update(b);
    }

    private void writeVarint(int v) throws IOException {
      while ((v & ~0x7F) != 0) {
        writeByte((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      writeByte(v);
    }

    private void writeInt(int v) throws IOException {
      for (int shift = 24; shift >= 0; shift -= 8) {
        writeByte(v >>> shift);
      }
    }

    private void writeLong(long v) throws IOException {
      for (int shift = 56; shift >= 0; shift -= 8) {
        writeByte((int) (v >>> shift));
      }
    }
  }

  /** Receives the pairs of a snapshot being read. */
  interface PairSink {
    void pair(byte[] key, byte[] value) throws IOException;
  }

  /**
   * Reads a whole snapshot, handing each pair to {@code sink}.
   *
   * @throws IOException if the stream is truncated, has the wrong format, or fails its checksum
   */
  static void read(InputStream in, PairSink sink) throws IOException {
    CRC32C crc = new CRC32C();
    InputStream buffered = new BufferedInputStream(in, 1 << 16);
    DataInputStream data = new DataInputStream(new ChecksummedInput(buffered, crc));
    try {
      int magic = data.readInt();
      int version = data.readInt();
      if (magic != MAGIC || version != VERSION) {
        throw new IOException(String.format("not a state snapshot (magic %08x version %d)", magic, version));
      }
      long pairs = 0;
      while (data.readUnsignedByte() == PAIR) {
        byte[] key = new byte[readVarint(data)];
        data.readFully(key);
        byte[] value = new byte[readVarint(data)];
        data.readFully(value);
        sink.pair(key, value);
        pairs++;
      }
      long declared = data.readLong();
      int expected = (int) crc.getValue();
      int actual = new DataInputStream(buffered).readInt();
      if (declared != pairs || expected != actual) {
        throw new IOException("state snapshot is corrupt: " + pairs + " pairs read, " + declared
            + " declared; checksum " + Integer.toHexString(expected) + " computed, " + Integer.toHexString(actual)
            + " stored");
      }
    } catch (EOFException e) {
      throw new IOException("state snapshot is truncated", e);
    }
  }

  /** Longer keys or values than any store holds mean a damaged stream, not a reason to allocate. */
  private static final int MAX_LENGTH = 256 << 20;

  private static int readVarint(DataInputStream in) throws IOException {
    int value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (value < 0 || value > MAX_LENGTH) {
          break;
        }
        return value;
      }
    }
    throw new IOException("state snapshot is corrupt: bad length");
  }

  /** Feeds every byte read into a checksum. */
  private static final class ChecksummedInput extends InputStream {
    private final InputStream in;
    private final CRC32C crc;

    ChecksummedInput(InputStream in, CRC32C crc) {
      this.in = in;
      this.crc = crc;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        crc.update(b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        crc.update(b, off, n);
      }
      return n;
    }
  }

}
