package io.eraft.raft.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.iq80.leveldb.WriteBatch;

/**
 * The last command applied for each client and its reply (eRaft's {@code lastOperations}), kept
 * in a {@link LevelDbStateStore} beside the data it protects, so it survives restarts and travels
 * in snapshots, and mirrored in memory for the servers' fast path. A client numbers its commands
 * in increasing order with one outstanding at a time, so a command id at or below the recorded one
 * is a retry of something already applied.
 *
 * <p>A service with one body of data (kvraft, the controller) keeps one table, stored under keys
 * {@code 'c' + clientId}. A service whose data moves in parts (ShardKV's shards) keeps a table
 * {@linkplain #perScope per scope}, under keys {@code 'd' + scope + clientId}: a shard's records
 * are {@linkplain #export exported} with it, {@linkplain Batch#merge merged} where it arrives and
 * {@linkplain Batch#drop dropped} where it is collected, never the whole table. Services keep
 * their own data under other prefixes.
 *
 * <p>Written on the apply thread, through a {@link Batch} per state-machine write: look up and
 * record inside the write, {@link #remember} the batch after it. {@link #replyTo} and
 * {@link #export} may be called from any thread.
 *
 * @param <R> the service's reply message
 */
public final class DuplicateTable<R extends MessageLite> {
  private static final byte ONE_SCOPE_PREFIX = 'c';
  private static final byte PER_SCOPE_PREFIX = 'd';
  /** The scope of a one-scope table's records. */
  private static final int ONLY_SCOPE = 0;

  /** A client's last applied command and its reply. */
  public record Applied<R>(long commandId, R reply) {}

  private record Client(int scope, long clientId) {}

  private final Parser<R> replyParser;
  private final boolean perScope;
  /** Replaced whole by {@link #reload}, so a reader never sees it half filled. */
  private volatile Map<Client, Applied<R>> latest = new ConcurrentHashMap<>();

  /** A table of one scope (a service whose data never moves in parts). */
  public DuplicateTable(Parser<R> replyParser) {
    this(replyParser, false);
  }

  private DuplicateTable(Parser<R> replyParser, boolean perScope) {
    this.replyParser = replyParser;
    this.perScope = perScope;
  }

  /** A table kept per scope (ShardKV: per shard); use the methods that name a scope. */
  public static <R extends MessageLite> DuplicateTable<R> perScope(Parser<R> replyParser) {
    return new DuplicateTable<>(replyParser, true);
  }

  /** The recorded reply if command {@code commandId} of {@code clientId} was already applied, else null. */
  public R replyTo(long clientId, long commandId) {
    return replyTo(oneScope(), clientId, commandId);
  }

  /** As {@link #replyTo(long, long)}, within {@code scope}. */
  public R replyTo(int scope, long clientId, long commandId) {
    return replyIfApplied(latest.get(client(scope, clientId)), commandId);
  }

  private static <R> R replyIfApplied(Applied<R> last, long commandId) {
    return last != null && commandId <= last.commandId() ? last.reply() : null;
  }

  /** The records of {@code scope}, by client: what travels with it to its next owner. */
  public Map<Long, Applied<R>> export(int scope) {
    checkScoped(scope);
    Map<Long, Applied<R>> records = new HashMap<>();
    latest.forEach((client, applied) -> {
      if (client.scope() == scope) {
        records.put(client.clientId(), applied);
      }
    });
    return records;
  }

  /** A view for applying one write batch: sees the batch's own records before they are written. */
  public Batch newBatch() {
    return new Batch();
  }

  /** Makes a written batch's records (and drops) visible to {@link #replyTo}. */
  public void remember(Batch batch) {
    batch.dropped.forEach(latest::remove);
    latest.putAll(batch.recorded);
  }

  /** Replaces the memory copy with what the store holds (at startup and after a snapshot install). */
  public void reload(LevelDbStateStore store) {
    Map<Client, Applied<R>> loaded = new ConcurrentHashMap<>();
    store.forEach(new byte[] {prefix()}, (key, value) -> {
      ByteBuffer k = ByteBuffer.wrap(key, 1, key.length - 1);
      Client client = perScope ? new Client(k.getInt(), k.getLong()) : new Client(ONLY_SCOPE, k.getLong());
      try {
        loaded.put(client, new Applied<>(ByteBuffer.wrap(value).getLong(),
            replyParser.parseFrom(ByteBuffer.wrap(value, 8, value.length - 8))));
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        throw store.corrupt("the duplicate-table record of client " + client.clientId() + " is unreadable", e);
      }
    });
    latest = loaded;
  }

  /** The duplicate-table side of one state-machine write batch. */
  public final class Batch {
    private final Map<Client, Applied<R>> recorded = new HashMap<>();
    private final Set<Client> dropped = new HashSet<>();

    private Batch() {}

    /** As {@link DuplicateTable#replyTo(long, long)}, counting what this batch recorded. */
    public R replyTo(long clientId, long commandId) {
      return replyTo(oneScope(), clientId, commandId);
    }

    /** As {@link DuplicateTable#replyTo(int, long, long)}, counting what this batch recorded. */
    public R replyTo(int scope, long clientId, long commandId) {
      return replyIfApplied(current(client(scope, clientId)), commandId);
    }

    /** Records command {@code commandId}'s reply in {@code writes} and in this batch. */
    public void record(WriteBatch writes, long clientId, long commandId, R reply) {
      record(writes, oneScope(), clientId, commandId, reply);
    }

    /** As {@link #record(WriteBatch, long, long, MessageLite)}, within {@code scope}. */
    public void record(WriteBatch writes, int scope, long clientId, long commandId, R reply) {
      put(writes, client(scope, clientId), new Applied<>(commandId, reply));
    }

    /**
     * Takes in records another owner of {@code scope} exported; a client's newer command wins (the
     * same command applied here and there has the same reply).
     */
    public void merge(WriteBatch writes, int scope, Map<Long, Applied<R>> records) {
      checkScoped(scope);
      records.forEach((clientId, incoming) -> {
        Client client = new Client(scope, clientId);
        Applied<R> here = current(client);
        if (here == null || incoming.commandId() > here.commandId()) {
          put(writes, client, incoming);
        }
      });
    }

    /** Deletes every record of {@code scope} (its data left this group). */
    public void drop(WriteBatch writes, int scope) {
      checkScoped(scope);
      Set<Client> clients = new HashSet<>(recorded.keySet());
      clients.addAll(latest.keySet());
      for (Client client : clients) {
        if (client.scope() == scope) {
          writes.delete(key(client));
          recorded.remove(client);
          dropped.add(client);
        }
      }
    }

    private Applied<R> current(Client client) {
      if (recorded.containsKey(client)) {
        return recorded.get(client);
      }
      return dropped.contains(client) ? null : latest.get(client);
    }

    private void put(WriteBatch writes, Client client, Applied<R> applied) {
      byte[] bytes = applied.reply().toByteArray();
      writes.put(key(client), ByteBuffer.allocate(8 + bytes.length).putLong(applied.commandId()).put(bytes).array());
      recorded.put(client, applied);
      dropped.remove(client);
    }
  }

  private int oneScope() {
    if (perScope) {
      throw new IllegalStateException("a table kept per scope needs the scope of every record");
    }
    return ONLY_SCOPE;
  }

  private void checkScoped(int scope) {
    if (!perScope) {
      throw new IllegalStateException("a table of one scope has no scope " + scope);
    }
  }

  private Client client(int scope, long clientId) {
    if (perScope || scope == ONLY_SCOPE) {
      return new Client(scope, clientId);
    }
    throw new IllegalStateException("a table of one scope has no scope " + scope);
  }

  private byte prefix() {
    return perScope ? PER_SCOPE_PREFIX : ONE_SCOPE_PREFIX;
  }

  private byte[] key(Client client) {
    return perScope
        ? ByteBuffer.allocate(13).put(PER_SCOPE_PREFIX).putInt(client.scope()).putLong(client.clientId()).array()
        : ByteBuffer.allocate(9).put(ONE_SCOPE_PREFIX).putLong(client.clientId()).array();
  }
}
