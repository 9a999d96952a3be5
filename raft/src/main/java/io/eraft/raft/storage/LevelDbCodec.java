package io.eraft.raft.storage;

import com.google.protobuf.ByteString;
import io.eraft.raft.core.Entry;
import io.eraft.raft.core.HardState;
import io.eraft.raft.core.SnapshotMeta;
import java.nio.ByteBuffer;

/**
 * Keys and values of {@link LevelDbLogStore}. An entry key is {@link #ENTRY_PREFIX} then the index
 * as 8 big-endian bytes, so LevelDB's bytewise order is index order; its value is the term (8
 * bytes) then the data. Hard state and snapshot meta are fixed-width longs under one-byte keys.
 * Decoders throw {@link IllegalArgumentException} on anything malformed. Stateless.
 */
final class LevelDbCodec {
  static final byte ENTRY_PREFIX = 'e';
  static final byte[] HARD_STATE_KEY = {'h'};
  static final byte[] SNAPSHOT_KEY = {'s'};

  private static final int ENTRY_KEY_BYTES = 1 + Long.BYTES;

  private LevelDbCodec() {}

  static byte[] entryKey(long index) {
    return ByteBuffer.allocate(ENTRY_KEY_BYTES).put(ENTRY_PREFIX).putLong(index).array();
  }

  static boolean isEntryKey(byte[] key) {
    return key.length > 0 && key[0] == ENTRY_PREFIX;
  }

  static byte[] encodeEntry(Entry e) {
    return ByteBuffer.allocate(Long.BYTES + e.data().size())
        .putLong(e.term())
        .put(e.data().asReadOnlyByteBuffer())
        .array();
  }

  static Entry decodeEntry(byte[] key, byte[] value) {
    if (key.length != ENTRY_KEY_BYTES) {
      throw new IllegalArgumentException("malformed entry key of " + key.length + " bytes");
    }
    long index = ByteBuffer.wrap(key, 1, Long.BYTES).getLong();
    if (value.length < Long.BYTES) {
      throw new IllegalArgumentException("entry " + index + " has a truncated value");
    }
    long term = ByteBuffer.wrap(value).getLong();
    ByteString data = ByteString.copyFrom(value, Long.BYTES, value.length - Long.BYTES);
    return new Entry(index, term, data);
  }

  /** Term, vote and commit, then one flag byte (recovering); logs written before the flag lack it. */
  static byte[] encodeHardState(HardState hs) {
    return ByteBuffer.allocate(3 * Long.BYTES + 1)
        .putLong(hs.term())
        .putLong(hs.votedFor())
        .putLong(hs.commit())
        .put((byte) (hs.recovering() ? 1 : 0))
        .array();
  }

  static HardState decodeHardState(byte[] value) {
    if (value.length != 3 * Long.BYTES && value.length != 3 * Long.BYTES + 1) {
      throw new IllegalArgumentException("hard state has " + value.length + " bytes, expected "
          + 3 * Long.BYTES + " or " + (3 * Long.BYTES + 1));
    }
    ByteBuffer b = ByteBuffer.wrap(value);
    return new HardState(b.getLong(), b.getLong(), b.getLong(), b.hasRemaining() && b.get() != 0);
  }

  static byte[] encodeSnapshot(SnapshotMeta meta) {
    return ByteBuffer.allocate(2 * Long.BYTES).putLong(meta.index()).putLong(meta.term()).array();
  }

  static SnapshotMeta decodeSnapshot(byte[] value) {
    ByteBuffer b = fixedWidth("snapshot meta", value, 2);
    return new SnapshotMeta(b.getLong(), b.getLong());
  }

  private static ByteBuffer fixedWidth(String what, byte[] value, int longs) {
    if (value.length != longs * Long.BYTES) {
      throw new IllegalArgumentException(
          what + " has " + value.length + " bytes, expected " + longs * Long.BYTES);
    }
    return ByteBuffer.wrap(value);
  }
}
