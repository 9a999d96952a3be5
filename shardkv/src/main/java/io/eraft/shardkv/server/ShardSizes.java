package io.eraft.shardkv.server;

import io.eraft.raft.storage.LevelDbStateStore;
import io.eraft.shardctrler.config.ShardConfig;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLongArray;
import org.iq80.leveldb.WriteBatch;

/**
 * Each shard's key count and bytes (user key plus value, UTF-8), kept up to date by every write
 * and stored beside the data, so GetStatus never scans a shard (eRaft scans every key per call).
 * Written on the apply thread; read from any thread.
 */
final class ShardSizes {
  private final AtomicLongArray keys = new AtomicLongArray(ShardConfig.N_SHARDS);
  private final AtomicLongArray bytes = new AtomicLongArray(ShardConfig.N_SHARDS);

  long keys(int shard) {
    return keys.get(shard);
  }

  long bytes(int shard) {
    return bytes.get(shard);
  }

  void reload(LevelDbStateStore store) {
    for (int s = 0; s < ShardConfig.N_SHARDS; s++) {
      byte[] stored = store.get(ShardKeys.sizesKey(s));
      if (stored != null && stored.length != 16) {
        throw store.corrupt("the size record of shard " + s + " has " + stored.length + " bytes", null);
      }
      ByteBuffer b = stored == null ? ByteBuffer.allocate(16) : ByteBuffer.wrap(stored);
      keys.set(s, b.getLong());
      bytes.set(s, b.getLong());
    }
  }

  /** The changes of one write batch, made visible by {@link #publish} once the batch is written. */
  final class Delta {
    private final long[] keyDelta = new long[ShardConfig.N_SHARDS];
    private final long[] byteDelta = new long[ShardConfig.N_SHARDS];
    private final boolean[] cleared = new boolean[ShardConfig.N_SHARDS];
    private final boolean[] touched = new boolean[ShardConfig.N_SHARDS];

    /** A pair of {@code keyBytes} + {@code valueBytes} replaced one of {@code oldValueBytes} (-1: new key). */
    void put(int shard, int keyBytes, int valueBytes, int oldValueBytes) {
      if (oldValueBytes < 0) {
        keyDelta[shard]++;
        byteDelta[shard] += keyBytes + valueBytes;
      } else {
        byteDelta[shard] += valueBytes - oldValueBytes;
      }
      touched[shard] = true;
    }

    /** Every pair of {@code shard} was deleted. */
    void clear(int shard) {
      cleared[shard] = true;
      keyDelta[shard] = 0;
      byteDelta[shard] = 0;
      touched[shard] = true;
    }

    /** Adds the new size records of the touched shards to {@code batch}. */
    void writeTo(WriteBatch batch) {
      for (int s = 0; s < ShardConfig.N_SHARDS; s++) {
        if (touched[s]) {
          batch.put(ShardKeys.sizesKey(s), ByteBuffer.allocate(16).putLong(newKeys(s)).putLong(newBytes(s)).array());
        }
      }
    }

    void publish() {
      for (int s = 0; s < ShardConfig.N_SHARDS; s++) {
        if (touched[s]) {
          keys.set(s, newKeys(s));
          bytes.set(s, newBytes(s));
        }
      }
    }

    private long newKeys(int s) {
      return (cleared[s] ? 0 : keys.get(s)) + keyDelta[s];
    }

    private long newBytes(int s) {
      return (cleared[s] ? 0 : bytes.get(s)) + byteDelta[s];
    }
  }
}
