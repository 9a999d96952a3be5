package io.eraft.shardkv.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How a group's state is laid out in its LevelDB store: a shard's data is one key range, so a pull
 * is a range scan and a deletion a range delete.
 *
 * <pre>
 *   's' shard(4) key(UTF-8)   a value of the shard
 *   'n' shard(4)              the shard's key count and bytes (8 + 8)
 *   'm'                       the group's configuration and shard states (GroupShardsRecord)
 *   'd' ...                   the duplicate table, per shard (DuplicateTable#perScope)
 * </pre>
 */
final class ShardKeys {
  private static final byte DATA = 's';
  private static final byte SIZES = 'n';
  static final byte[] GROUP_SHARDS = {'m'};
  private static final int PREFIX_BYTES = 5;

  private ShardKeys() {}

  /** The prefix of every data key of {@code shard}. */
  static byte[] dataPrefix(int shard) {
    return ByteBuffer.allocate(PREFIX_BYTES).put(DATA).putInt(shard).array();
  }

  static byte[] dataKey(int shard, String key) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(PREFIX_BYTES + k.length).put(DATA).putInt(shard).put(k).array();
  }

  /** The user's key within a stored data key. */
  static String userKey(byte[] dataKey) {
    return new String(dataKey, PREFIX_BYTES, dataKey.length - PREFIX_BYTES, StandardCharsets.UTF_8);
  }

  static int userKeyBytes(byte[] dataKey) {
    return dataKey.length - PREFIX_BYTES;
  }

  /** The stored data key just after {@code key} in {@code shard}: where a scan resumes. */
  static byte[] dataKeyAfter(int shard, String key) {
    byte[] k = dataKey(shard, key);
    return Arrays.copyOf(k, k.length + 1); // k + 0x00 is the smallest key greater than k
  }

  static byte[] sizesKey(int shard) {
    return ByteBuffer.allocate(PREFIX_BYTES).put(SIZES).putInt(shard).array();
  }
}
