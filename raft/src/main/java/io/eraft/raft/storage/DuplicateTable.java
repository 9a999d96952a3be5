package io.eraft.raft.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.iq80.leveldb.WriteBatch;

/**
 * The last command applied for each client and its reply (eRaft's {@code lastOperations}), kept
 * in a {@link LevelDbStateStore} beside the data it protects, so it survives restarts and travels
 * in snapshots, and mirrored in memory for the servers' fast path. A client numbers its commands
 * in increasing order with one outstanding at a time, so a command id at or below the recorded one
 * is a retry of something already applied. Stored under keys {@code 'c' + clientId}; services keep
 * their own data under other prefixes.
 *
 * <p>Written on the apply thread, through a {@link Batch} per state-machine write: look up and
 * record inside the write, {@link #remember} the batch after it. {@link #replyTo} may be called
 * from any thread.
 *
 * @param <R> the service's reply message
 */
public final class DuplicateTable<R extends MessageLite> {
  private static final byte PREFIX = 'c';

  /** One client's last applied command. */
  private record LastCommand<R>(long commandId, R reply) {}

  private final Parser<R> replyParser;
  /** Replaced whole by {@link #reload}, so a reader never sees it half filled. */
  private volatile Map<Long, LastCommand<R>> latest = new ConcurrentHashMap<>();

  public DuplicateTable(Parser<R> replyParser) {
    this.replyParser = replyParser;
  }

  /** The recorded reply if command {@code commandId} of {@code clientId} was already applied, else null. */
  public R replyTo(long clientId, long commandId) {
    return replyIfApplied(latest.get(clientId), commandId);
  }

  private static <R> R replyIfApplied(LastCommand<R> last, long commandId) {
    return last != null && commandId <= last.commandId() ? last.reply() : null;
  }

  /** A view for applying one write batch: sees the batch's own records before they are written. */
  public Batch newBatch() {
    return new Batch();
  }

  /** Makes a written batch's records visible to {@link #replyTo}. */
  public void remember(Batch batch) {
    latest.putAll(batch.recorded);
  }

  /** Replaces the memory copy with what the store holds (at startup and after a snapshot install). */
  public void reload(LevelDbStateStore store) {
    Map<Long, LastCommand<R>> loaded = new ConcurrentHashMap<>();
    store.forEach(new byte[] {PREFIX}, (key, value) -> {
      long clientId = ByteBuffer.wrap(key, 1, 8).getLong();
      try {
        loaded.put(clientId, new LastCommand<>(ByteBuffer.wrap(value).getLong(),
            replyParser.parseFrom(ByteBuffer.wrap(value, 8, value.length - 8))));
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        throw store.corrupt("the duplicate-table record of client " + clientId + " is unreadable", e);
      }
    });
    latest = loaded;
  }

  /** The duplicate-table side of one state-machine write batch. */
  public final class Batch {
    private final Map<Long, LastCommand<R>> recorded = new HashMap<>();

    private Batch() {}

    /** As {@link DuplicateTable#replyTo}, counting the commands recorded in this batch. */
    public R replyTo(long clientId, long commandId) {
      return replyIfApplied(recorded.containsKey(clientId) ? recorded.get(clientId) : latest.get(clientId), commandId);
    }

    /** Records command {@code commandId}'s reply in {@code writes} and in this batch. */
    public void record(WriteBatch writes, long clientId, long commandId, R reply) {
      byte[] bytes = reply.toByteArray();
      writes.put(key(clientId), ByteBuffer.allocate(8 + bytes.length).putLong(commandId).put(bytes).array());
      recorded.put(clientId, new LastCommand<>(commandId, reply));
    }
  }

  private static byte[] key(long clientId) {
    return ByteBuffer.allocate(9).put(PREFIX).putLong(clientId).array();
  }
}
