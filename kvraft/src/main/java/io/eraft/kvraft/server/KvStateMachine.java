package io.eraft.kvraft.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.eraft.kvraft.KvError;
import io.eraft.proto.kvraftpb.CommandRequest;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.proto.kvraftpb.Op;
import io.eraft.raft.core.Entry;
import io.eraft.raft.core.SnapshotMeta;
import io.eraft.raft.storage.DuplicateTable;
import io.eraft.raft.storage.LevelDbStateMachine;
import io.eraft.raft.storage.LevelDbStateStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.iq80.leveldb.WriteBatch;

/**
 * eRaft's KV state machine on a {@link LevelDbStateStore}: Put overwrites, Append concatenates (an
 * absent key counts as ""), Get reads; each log entry is a {@code kvraftpb.CommandRequest}. A
 * batch of entries is one atomic write together with the duplicate-table records and the applied
 * index, so a command takes effect exactly once even across crashes, retries and snapshots.
 *
 * <p>Stored keys: {@code 'd' + key} for data, {@code 'c' + clientId} for the duplicate table.
 * Applies run on the node's apply thread; {@link #read} and {@link #duplicateReply} on any thread.
 */
public final class KvStateMachine extends LevelDbStateMachine<CommandResponse> {
  private static final byte DATA_PREFIX = 'd';
  private static final CommandResponse OK = KvError.OK.reply("");

  private final DuplicateTable<CommandResponse> duplicates = new DuplicateTable<>(CommandResponse.parser());

  public KvStateMachine(LevelDbStateStore store) {
    super(store);
    reload();
  }

  @Override
  protected void reload() {
    duplicates.reload(store);
  }

  @Override
  public List<CommandResponse> apply(List<Entry> entries) {
    List<CommandResponse> results = new ArrayList<>(entries.size());
    Map<String, String> written = new HashMap<>();
    DuplicateTable<CommandResponse>.Batch recorded = duplicates.newBatch();
    Entry last = entries.get(entries.size() - 1);
    store.write(batch -> {
      for (Entry e : entries) {
        results.add(e.isNoop() ? null : applyOne(decode(e), batch, written, recorded));
      }
    }, new SnapshotMeta(last.index(), last.term()));
    duplicates.remember(recorded);
    return results;
  }

  private CommandResponse applyOne(CommandRequest command, WriteBatch batch, Map<String, String> written,
      DuplicateTable<CommandResponse>.Batch recorded) {
    if (command.getOp() == Op.GET) {
      String value = current(command.getKey(), written);
      return value == null ? KvError.ERR_NO_KEY.reply("") : KvError.OK.reply(value);
    }
    CommandResponse previous = recorded.replyTo(command.getClientId(), command.getCommandId());
    if (previous != null) {
      return previous;
    }
    String key = command.getKey();
    String value = command.getValue();
    if (command.getOp() == Op.APPEND) {
      String current = current(key, written);
      value = current == null ? value : current + value;
    }
    batch.put(dataKey(key), value.getBytes(StandardCharsets.UTF_8));
    written.put(key, value);
    recorded.record(batch, command.getClientId(), command.getCommandId(), OK);
    return OK;
  }

  /** The value of {@code key} as the batch being applied left it so far. */
  private String current(String key, Map<String, String> written) {
    return written.containsKey(key) ? written.get(key) : read(key);
  }

  private static CommandRequest decode(Entry e) {
    try {
      return CommandRequest.parseFrom(e.data());
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException("log entry " + e.index() + " is not a KV command", ex);
    }
  }

  /** The stored value of {@code key}, or null if it is absent. */
  public String read(String key) {
    byte[] value = store.get(dataKey(key));
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  /** The recorded reply if this update was already applied, else null. */
  public CommandResponse duplicateReply(long clientId, long commandId) {
    return duplicates.replyTo(clientId, commandId);
  }

  private static byte[] dataKey(String key) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] stored = new byte[k.length + 1];
    stored[0] = DATA_PREFIX;
    System.arraycopy(k, 0, stored, 1, k.length);
    return stored;
  }
}
