package io.eraft.shardctrler.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.eraft.proto.shardctrlerpb.CommandRequest;
import io.eraft.proto.shardctrlerpb.CommandResponse;
import io.eraft.proto.shardctrlerpb.Config;
import io.eraft.proto.shardctrlerpb.Op;
import io.eraft.raft.core.Entry;
import io.eraft.raft.core.SnapshotMeta;
import io.eraft.raft.storage.DuplicateTable;
import io.eraft.raft.storage.LevelDbStateMachine;
import io.eraft.raft.storage.LevelDbStateStore;
import io.eraft.shardctrler.CtrlerError;
import io.eraft.shardctrler.config.ConfigCodec;
import io.eraft.shardctrler.config.ConfigCommands;
import io.eraft.shardctrler.config.ShardConfig;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The controller's state machine on a {@link LevelDbStateStore}: the whole config history, one
 * record per config ({@code 'g' + num}), written in the same batch as the applied index and the
 * duplicate table, so a restarted replica never re-executes a Join and never renumbers configs
 * (eRaft does, ERAFT-SPEC §9 item 1). Each log entry is a {@code shardctrlerpb.CommandRequest}; an
 * invalid one changes nothing and is answered {@code ErrBadRequest} with the reason, identically on
 * every replica. Applies run on the apply thread; {@link #config} and {@link #latest} on any.
 */
public final class ConfigStateMachine extends LevelDbStateMachine<CommandResponse> {
  private static final byte CONFIG_PREFIX = 'g';

  private final DuplicateTable<CommandResponse> duplicates = new DuplicateTable<>(CommandResponse.parser());
  private final ConfigWatches watches = new ConfigWatches();
  private final List<Consumer<ShardConfig>> listeners = new CopyOnWriteArrayList<>();
  private volatile ShardConfig latest;

  public ConfigStateMachine(LevelDbStateStore store) {
    super(store);
    reload();
  }

  @Override
  protected void reload() {
    duplicates.reload(store);
    ShardConfig[] last = {ShardConfig.INITIAL};
    store.forEach(new byte[] {CONFIG_PREFIX}, (key, value) -> last[0] = decodeConfig(value));
    latest = last[0];
    if (watches != null) { // null while the constructor's first reload runs
      watches.published(latest, this::config);
      listeners.forEach(listener -> listener.accept(latest));
    }
  }

  @Override
  public List<CommandResponse> apply(List<Entry> entries) {
    List<CommandResponse> results = new ArrayList<>(entries.size());
    DuplicateTable<CommandResponse>.Batch recorded = duplicates.newBatch();
    Map<Long, ShardConfig> written = new HashMap<>();
    ShardConfig[] current = {latest};
    Entry last = entries.get(entries.size() - 1);
    store.write(batch -> {
      for (Entry e : entries) {
        if (e.isNoop()) {
          results.add(null);
          continue;
        }
        CommandRequest command = decode(e);
        if (command.getOp() == Op.QUERY) {
          results.add(CtrlerError.config(config(command.getNum(), current[0], written)));
          continue;
        }
        CommandResponse previous = recorded.replyTo(command.getClientId(), command.getCommandId());
        if (previous != null) {
          results.add(previous);
          continue;
        }
        String invalid = ConfigCommands.invalidReason(command, current[0]);
        CommandResponse reply;
        if (invalid != null) {
          reply = CtrlerError.ERR_BAD_REQUEST.reply(invalid);
        } else {
          current[0] = ConfigCommands.execute(command, current[0]);
          written.put(current[0].num(), current[0]);
          batch.put(configKey(current[0].num()), ConfigCodec.toProto(current[0]).toByteArray());
          reply = CtrlerError.OK.reply("");
        }
        recorded.record(batch, command.getClientId(), command.getCommandId(), reply);
        results.add(reply);
      }
    }, new SnapshotMeta(last.index(), last.term()));
    // Duplicates first: whoever sees the new latest config (a volatile read) also finds the
    // replies of the commands that made it, which CtrlerServer relies on to answer a retry.
    duplicates.remember(recorded);
    boolean changed = current[0] != latest;
    latest = current[0];
    watches.published(latest, this::config);
    if (changed) {
      listeners.forEach(listener -> listener.accept(latest));
    }
    return results;
  }

  /**
   * Configuration {@code num} once this replica has applied it (at once if it has): what a watch
   * waits for. The caller abandons a watch by completing the future itself (e.g. on a timeout).
   */
  public CompletableFuture<ShardConfig> awaitConfig(long num) {
    return watches.watch(num, latest, this::config);
  }

  /**
   * Tells {@code listener} the latest config now and each time it changes (on the apply thread:
   * it must return quickly).
   */
  public void addConfigListener(Consumer<ShardConfig> listener) {
    listeners.add(listener);
    listener.accept(latest);
  }

  /** The latest config. */
  public ShardConfig latest() {
    return latest;
  }

  /** eRaft's Query: config {@code num}, or the latest if {@code num} is negative or past it. */
  public ShardConfig config(long num) {
    return config(num, latest, Map.of());
  }

  private ShardConfig config(long num, ShardConfig newest, Map<Long, ShardConfig> unwritten) {
    if (num < 0 || num >= newest.num()) {
      return newest;
    }
    if (unwritten.containsKey(num)) {
      return unwritten.get(num);
    }
    if (num == 0) {
      return ShardConfig.INITIAL;
    }
    byte[] value = store.get(configKey(num));
    if (value == null) {
      throw store.corrupt("config " + num + " is missing although config " + newest.num() + " exists", null);
    }
    return decodeConfig(value);
  }

  /** The recorded reply if this command was already applied, else null. */
  public CommandResponse duplicateReply(long clientId, long commandId) {
    return duplicates.replyTo(clientId, commandId);
  }

  private static CommandRequest decode(Entry e) {
    try {
      return CommandRequest.parseFrom(e.data());
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException("log entry " + e.index() + " is not a controller command", ex);
    }
  }

  private ShardConfig decodeConfig(byte[] value) {
    try {
      return ConfigCodec.fromProto(Config.parseFrom(value));
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw store.corrupt("a config record is unreadable", e);
    }
  }

  /** Big-endian, so configs iterate in number order. */
  private static byte[] configKey(long num) {
    return ByteBuffer.allocate(9).put(CONFIG_PREFIX).putLong(num).array();
  }
}
