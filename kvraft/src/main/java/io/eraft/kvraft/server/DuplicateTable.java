package io.eraft.kvraft.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.raft.storage.LevelDbStateStore;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.iq80.leveldb.WriteBatch;

/**
 * The last command applied for each client and its reply (eRaft's {@code lastOperations}), kept
 * in the state store beside the data it protects, so it survives restarts and travels in
 * snapshots, and mirrored in memory for the servers' fast path. A client numbers its commands in
 * increasing order with one outstanding at a time, so a command id at or below the recorded one is
 * a retry of something already applied.
 *
 * <p>Written on the apply thread; {@link #replyTo} may be called from any thread.
 */
final class DuplicateTable {
  static final byte PREFIX = 'c';

  /** One client's last applied update. */
  record LastCommand(long commandId, CommandResponse reply) {}

  private final Map<Long, LastCommand> latest = new ConcurrentHashMap<>();

  /** The recorded reply if command {@code commandId} of {@code clientId} was already applied, else null. */
  CommandResponse replyTo(long clientId, long commandId) {
    LastCommand last = latest.get(clientId);
    return last != null && commandId <= last.commandId() ? last.reply() : null;
  }

  LastCommand get(long clientId) {
    return latest.get(clientId);
  }

  /** Adds the record to {@code batch}; call {@link #remember} once the batch is written. */
  static void record(WriteBatch batch, long clientId, LastCommand command) {
    byte[] reply = command.reply().toByteArray();
    batch.put(key(clientId), ByteBuffer.allocate(8 + reply.length).putLong(command.commandId()).put(reply).array());
  }

  void remember(Map<Long, LastCommand> applied) {
    latest.putAll(applied);
  }

  /** Replaces the memory copy with what the store holds (at startup and after a snapshot install). */
  void reload(LevelDbStateStore store) {
    latest.clear();
    store.forEach(new byte[] {PREFIX}, (key, value) -> {
      long clientId = ByteBuffer.wrap(key, 1, 8).getLong();
      try {
        latest.put(clientId, new LastCommand(ByteBuffer.wrap(value).getLong(),
            CommandResponse.parseFrom(ByteBuffer.wrap(value, 8, value.length - 8))));
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        throw new IllegalStateException("duplicate table record of client " + clientId + " is corrupt", e);
      }
    });
  }

  int size() {
    return latest.size();
  }

  private static byte[] key(long clientId) {
    return ByteBuffer.allocate(9).put(PREFIX).putLong(clientId).array();
  }
}
