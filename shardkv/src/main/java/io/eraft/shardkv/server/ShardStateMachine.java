package io.eraft.shardkv.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.eraft.proto.shardctrlerpb.Config;
import io.eraft.proto.shardkvlog.GroupShardsRecord;
import io.eraft.proto.shardkvlog.KeyValue;
import io.eraft.proto.shardkvlog.LogCommand;
import io.eraft.proto.shardkvlog.ShardPage;
import io.eraft.proto.shardkvlog.ShardPiece;
import io.eraft.proto.shardkvpb.CommandRequest;
import io.eraft.proto.shardkvpb.CommandResponse;
import io.eraft.proto.shardkvpb.Op;
import io.eraft.proto.shardkvpb.ShardOperationRequest;
import io.eraft.raft.core.Entry;
import io.eraft.raft.core.SnapshotMeta;
import io.eraft.raft.storage.DuplicateTable;
import io.eraft.raft.storage.LevelDbStateMachine;
import io.eraft.raft.storage.LevelDbStateStore;
import io.eraft.shardctrler.config.ConfigCodec;
import io.eraft.shardctrler.config.ShardConfig;
import io.eraft.shardkv.ShardKvError;
import io.eraft.shardkv.Shards;
import io.eraft.shardkv.shards.GroupShards;
import io.eraft.shardkv.shards.GroupShardsCodec;
import io.eraft.shardkv.shards.ShardStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import org.iq80.leveldb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ShardKV group's state machine (ERAFT-SPEC §4.5) on a {@link LevelDbStateStore}: the data of
 * every shard this group holds, each shard one key range ({@link ShardKeys}); what the group knows
 * of its shards ({@link GroupShards}); the duplicate table kept per shard, so a shard's records
 * leave and arrive with it; each shard's size. Log commands: Operation (Get/Put/Append of a
 * client), Configuration (the next configuration), InsertShards (a page of pulled data) and
 * DeleteShards (an old copy is collected). A batch of entries is one atomic write with the applied
 * index, except that deleting a collected shard's data goes first, in bounded batches: nothing
 * reads that data any more and a replay deletes it again.
 *
 * <p>Applies run on the node's apply thread; {@link #read}, {@link #shards}, {@link #duplicateReply},
 * {@link #page} and the sizes on any thread.
 */
public final class ShardStateMachine extends LevelDbStateMachine<CommandResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(ShardStateMachine.class);
  private static final CommandResponse OK = ShardKvError.OK.reply("");

  /** What {@link #read} found: whether this group served the shard at that moment, and the value. */
  public record Read(boolean served, byte[] value) {}

  private final int gid;
  private final DuplicateTable<CommandResponse> duplicates = DuplicateTable.perScope(CommandResponse.parser());
  private final ShardSizes sizes = new ShardSizes();
  /** Replaced whole after each write that changes it; readers compare it before and after a read. */
  private volatile GroupShards shards;
  private final List<BiConsumer<GroupShards, GroupShards>> listeners = new CopyOnWriteArrayList<>();

  public ShardStateMachine(LevelDbStateStore store, int gid) {
    super(store);
    this.gid = gid;
    reload();
  }

  @Override
  protected void reload() {
    duplicates.reload(store);
    sizes.reload(store);
    byte[] record = store.get(ShardKeys.GROUP_SHARDS);
    if (record == null) {
      shards = GroupShards.initial(gid);
      return;
    }
    try {
      shards = GroupShardsCodec.fromRecord(gid, GroupShardsRecord.parseFrom(record));
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw store.corrupt("the shard state record is unreadable", e);
    }
  }

  public int gid() {
    return gid;
  }

  /** The group's configuration and shard states, as of the last applied entry. */
  public GroupShards shards() {
    return shards;
  }

  /**
   * Tells {@code listener} each change of the shard states an applied batch makes (before, after),
   * on the apply thread: it must return quickly. A snapshot install or restart is not a change.
   */
  public void addShardsListener(BiConsumer<GroupShards, GroupShards> listener) {
    listeners.add(listener);
  }

  public long shardKeys(int shard) {
    return sizes.keys(shard);
  }

  public long shardBytes(int shard) {
    return sizes.bytes(shard);
  }

  /**
   * The stored value of {@code key}, if this group serves its shard: checked before and after the
   * read, so a value is never returned from a shard that left meanwhile.
   */
  public Read read(String key) {
    int shard = Shards.of(key);
    GroupShards before = shards;
    if (!before.canServe(shard)) {
      return new Read(false, null);
    }
    byte[] value = store.get(ShardKeys.dataKey(shard, key));
    return shards == before ? new Read(true, value) : new Read(false, null);
  }

  /** The recorded reply if this Put or Append was already applied, else null. */
  public CommandResponse duplicateReply(CommandRequest request) {
    return duplicates.replyTo(Shards.of(request.getKey()), request.getClientId(), request.getCommandId());
  }

  /** The duplicate-table records of {@code shard}, by client. */
  public Map<Long, DuplicateTable.Applied<CommandResponse>> duplicateRecords(int shard) {
    return duplicates.export(shard);
  }

  /**
   * Visits {@code shard}'s pairs in key order, starting after {@code after} (or at the first key
   * if null), while {@code visitor} returns true. One point in time.
   */
  public void scan(int shard, String after, BiPredicate<String, byte[]> visitor) {
    byte[] from = after == null ? ShardKeys.dataPrefix(shard) : ShardKeys.dataKeyAfter(shard, after);
    store.scan(ShardKeys.dataPrefix(shard), from, (key, value) -> visitor.test(ShardKeys.userKey(key), value));
  }

  @Override
  public List<CommandResponse> apply(List<Entry> entries) {
    List<LogCommand> commands = entries.stream().map(ShardStateMachine::decode).toList();
    List<CommandResponse> results = new ArrayList<>(entries.size());
    int start = 0;
    for (int i = 0; i < entries.size(); i++) {
      if (commands.get(i) != null && commands.get(i).hasDeleteShards()) {
        if (i > start) {
          results.addAll(applyAtomically(entries.subList(start, i), commands.subList(start, i)));
          start = i;
        }
        doomedBy(commands.get(i).getDeleteShards()).forEach(shard -> store.deletePrefix(ShardKeys.dataPrefix(shard)));
      }
    }
    results.addAll(applyAtomically(entries.subList(start, entries.size()), commands.subList(start, commands.size())));
    return results;
  }

  /** The shards whose data {@code delete} collects here (BePulling ones of its configuration). */
  private List<Integer> doomedBy(ShardOperationRequest delete) {
    List<Integer> doomed = new ArrayList<>();
    for (int shard : delete.getShardIdsList()) {
      if (validShard(shard) && shards.config().num() == delete.getConfigNum()
          && shards.shard(shard).status() == ShardStatus.BE_PULLING) {
        doomed.add(shard);
      }
    }
    return doomed;
  }

  private List<CommandResponse> applyAtomically(List<Entry> entries, List<LogCommand> commands) {
    Applying applying = new Applying();
    Entry last = entries.get(entries.size() - 1);
    List<CommandResponse> results = new ArrayList<>(entries.size());
    store.write(batch -> {
      applying.batch = batch;
      for (LogCommand command : commands) {
        results.add(command == null ? null : applying.apply(command));
      }
      applying.finish();
    }, new SnapshotMeta(last.index(), last.term()));
    duplicates.remember(applying.recorded);
    applying.sizes.publish();
    if (applying.shards != shards) {
      GroupShards previous = shards;
      shards = applying.shards;
      logChanges(previous, applying.shards);
      listeners.forEach(listener -> listener.accept(previous, applying.shards));
    }
    return results;
  }

  /** The state of one atomic write in progress: what it changed so far, seen by its later entries. */
  private final class Applying {
    WriteBatch batch;
    GroupShards shards = ShardStateMachine.this.shards;
    final DuplicateTable<CommandResponse>.Batch recorded = duplicates.newBatch();
    final ShardSizes.Delta sizes = ShardStateMachine.this.sizes.new Delta();
    /** Values written by this batch, by user key (a key belongs to one shard). */
    final Map<String, byte[]> written = new HashMap<>();

    CommandResponse apply(LogCommand command) {
      return switch (command.getCommandCase()) {
        case OPERATION -> operation(command.getOperation());
        case CONFIGURATION -> configuration(command.getConfiguration());
        case INSERT_SHARDS -> insert(command.getInsertShards());
        case DELETE_SHARDS -> delete(command.getDeleteShards());
        case COMMAND_NOT_SET -> throw new IllegalStateException("a shardkv log command without a command");
      };
    }

    /** eRaft's applyOperation: refused unless this group serves the shard now; Put/Append once per command id. */
    private CommandResponse operation(CommandRequest request) {
      int shard = Shards.of(request.getKey());
      if (!shards.canServe(shard)) {
        return ShardKvError.ERR_WRONG_GROUP.reply("");
      }
      byte[] current = current(shard, request.getKey());
      if (request.getOp() == Op.GET) {
        return current == null ? ShardKvError.ERR_NO_KEY.reply("")
            : ShardKvError.OK.reply(new String(current, StandardCharsets.UTF_8));
      }
      CommandResponse previous = recorded.replyTo(shard, request.getClientId(), request.getCommandId());
      if (previous != null) {
        return previous;
      }
      byte[] value = request.getValueBytes().toByteArray();
      if (request.getOp() == Op.APPEND && current != null) {
        byte[] joined = new byte[current.length + value.length];
        System.arraycopy(current, 0, joined, 0, current.length);
        System.arraycopy(value, 0, joined, current.length, value.length);
        value = joined;
      }
      put(shard, request.getKey(), value, current);
      recorded.record(batch, shard, request.getClientId(), request.getCommandId(), OK);
      return OK;
    }

    /** Takes the next configuration, if this is it and no shard is moving (else ErrOutDated / ErrNotReady). */
    private CommandResponse configuration(Config proto) {
      if (proto.getNum() != shards.config().num() + 1) {
        return ShardKvError.ERR_OUT_DATED.reply("");
      }
      if (!shards.readyForNextConfig()) {
        return ShardKvError.ERR_NOT_READY.reply("");
      }
      shards = shards.withConfig(ConfigCodec.fromProto(proto));
      return OK;
    }

    /** Writes a page of pulled data; a piece that does not continue its shard exactly is stale and skipped. */
    private CommandResponse insert(ShardPage page) {
      if (page.getConfigNum() != shards.config().num()) {
        return ShardKvError.ERR_OUT_DATED.reply("");
      }
      for (ShardPiece piece : page.getPiecesList()) {
        int shard = piece.getShard();
        if (!validShard(shard) || !shards.takesPiece(page.getConfigNum(), shard, piece.getResumed(),
            piece.getResumedAfter())) {
          continue;
        }
        String lastKey = piece.getResumedAfter();
        for (KeyValue pair : piece.getPairsList()) {
          put(shard, pair.getKey(), pair.getValueBytes().toByteArray(), current(shard, pair.getKey()));
          lastKey = pair.getKey();
        }
        if (piece.getComplete()) {
          recorded.merge(batch, shard, ShardPages.duplicateRecords(page.getLastOperationsMap()));
        }
        shards = shards.withPiece(shard, lastKey, piece.getComplete());
      }
      return OK;
    }

    /** An old copy is collected: GCing → Serving here, or BePulling → Serving (its data deleted before this batch). */
    private CommandResponse delete(ShardOperationRequest request) {
      for (int shard : request.getShardIdsList()) {
        if (!validShard(shard)) {
          continue;
        }
        boolean leaving = shards.shard(shard).status() == ShardStatus.BE_PULLING;
        GroupShards next = shards.withCollected(request.getConfigNum(), shard);
        if (next == null) {
          continue;
        }
        if (leaving) {
          sizes.clear(shard);
          recorded.drop(batch, shard);
        }
        shards = next;
      }
      return OK;
    }

    private void put(int shard, String userKey, byte[] value, byte[] old) {
      byte[] key = ShardKeys.dataKey(shard, userKey);
      batch.put(key, value);
      written.put(userKey, value);
      sizes.put(shard, ShardKeys.userKeyBytes(key), value.length, old == null ? -1 : old.length);
    }

    /** The value of {@code userKey} as this batch left it so far. */
    private byte[] current(int shard, String userKey) {
      byte[] mine = written.get(userKey);
      return mine != null ? mine : store.get(ShardKeys.dataKey(shard, userKey));
    }

    void finish() {
      sizes.writeTo(batch);
      if (shards != ShardStateMachine.this.shards) {
        batch.put(ShardKeys.GROUP_SHARDS, GroupShardsCodec.toRecord(shards).toByteArray());
      }
    }
  }

  private void logChanges(GroupShards before, GroupShards after) {
    if (after.config().num() != before.config().num()) {
      LOG.atInfo().addKeyValue("gid", gid).addKeyValue("config", after.config().num())
          .addKeyValue("shards", after.config().shards()).log("applied configuration");
    }
    for (int s = 0; s < after.config().shards().size(); s++) {
      ShardStatus was = before.shard(s).status();
      ShardStatus is = after.shard(s).status();
      if (was != is) {
        LOG.atInfo().addKeyValue("gid", gid).addKeyValue("config", after.config().num()).addKeyValue("shard", s)
            .addKeyValue("from", was.wire()).addKeyValue("to", is.wire()).log("shard status changed");
      }
    }
  }

  private static boolean validShard(int shard) {
    return shard >= 0 && shard < ShardConfig.N_SHARDS;
  }

  /** The entry's command, or null for the leader's no-op. */
  private static LogCommand decode(Entry e) {
    if (e.isNoop()) {
      return null;
    }
    try {
      return LogCommand.parseFrom(e.data());
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException("log entry " + e.index() + " is not a shardkv command", ex);
    }
  }
}
