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

  private static final int LEGACY_HARD_STATE_BYTES = 3 * Long.BYTES;
  private static final int RECOVERING_HARD_STATE_BYTES = LEGACY_HARD_STATE_BYTES + 1;
  private static final int HARD_STATE_BYTES = RECOVERING_HARD_STATE_BYTES + Long.BYTES;

  /**
   * Term, vote and commit, one flag byte (recovering), then the cluster id. Logs written by
   * earlier versions end after the commit or after the flag.
   */
  static byte[] encodeHardState(HardState hs) {
    return ByteBuffer.allocate(HARD_STATE_BYTES)
        .putLong(hs.term())
        .putLong(hs.votedFor())
        .putLong(hs.commit())
        .put((byte) (hs.recovering() ? 1 : 0))
        .putLong(hs.clusterId())
        .array();
  }

  static HardState decodeHardState(byte[] value) {
    if (value.length != LEGACY_HARD_STATE_BYTES && value.length != RECOVERING_HARD_STATE_BYTES
        && value.length != HARD_STATE_BYTES) {
      throw new IllegalArgumentException("hard state has " + value.length + " bytes, expected "
          + LEGACY_HARD_STATE_BYTES + ", " + RECOVERING_HARD_STATE_BYTES + " or " + HARD_STATE_BYTES);
    }
    ByteBuffer b = ByteBuffer.wrap(value);
    long term = b.getLong();
    long votedFor = b.getLong();
    long commit = b.getLong();
    boolean recovering = b.hasRemaining() && b.get() != 0;
    long clusterId = b.hasRemaining() ? b.getLong() : HardState.NO_CLUSTER;
    return new HardState(term, votedFor, commit, recovering, clusterId);
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
