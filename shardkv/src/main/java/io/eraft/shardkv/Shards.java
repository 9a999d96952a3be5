package io.eraft.shardkv;

import io.eraft.shardctrler.config.ShardConfig;
import java.nio.charset.StandardCharsets;

/** eRaft's {@code key2shard}: which shard a key belongs to. */
public final class Shards {
  private Shards() {}

  /** The first byte of the key's UTF-8 encoding (0..255) modulo {@link ShardConfig#N_SHARDS}; shard 0 for "". */
  public static int of(String key) {
    if (key.isEmpty()) {
      return 0;
    }
    char first = key.charAt(0);
    int firstByte = first < 0x80 ? first : Byte.toUnsignedInt(key.getBytes(StandardCharsets.UTF_8)[0]);
    return firstByte % ShardConfig.N_SHARDS;
  }
}
