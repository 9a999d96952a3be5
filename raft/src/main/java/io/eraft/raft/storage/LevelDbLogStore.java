package io.eraft.raft.storage;

import static io.eraft.raft.storage.LevelDbCodec.HARD_STATE_KEY;
import static io.eraft.raft.storage.LevelDbCodec.SNAPSHOT_KEY;

import io.eraft.raft.core.Entry;
import io.eraft.raft.core.HardState;
import io.eraft.raft.core.SnapshotMeta;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.iq80.leveldb.CompressionType;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.ReadOptions;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LogStore} in its own LevelDB directory. Every {@link #save} and {@link #compact} is one
 * atomic write batch, so a crash leaves either all of it or none. The whole log is also held in
 * memory (it is bounded by compaction) and reads never touch disk; {@link #open} loads and
 * validates it, refusing to start on a log that breaks Raft's invariants. LevelDB runs with
 * paranoid checks; the one damage {@link #open} repairs is a write a crash tore at the end of the
 * write-ahead log ({@link TornLogTail}), which was never acknowledged.
 *
 * <p>Thread-confined to the raft loop, except {@link #sizeBytes()}, which any thread may call.
 * Owns the LevelDB handle and its directory lock until {@link #close()}.
 */
public final class LevelDbLogStore extends CachedLogStore {
  private static final Logger LOG = LoggerFactory.getLogger(LevelDbLogStore.class);
  private static final long CACHE_BYTES = 8L << 20;
  private static final int WRITE_BUFFER_BYTES = 4 << 20;
  private static final String WHAT = "raft log";

  private final Path dir;
  private final DB db;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Measured directory size plus an estimate of what was written since the measurement. */
  private final DirectorySize size = new DirectorySize(WHAT);

  private LevelDbLogStore(Path dir, DB db, EntryCache log) {
    super(log);
    this.dir = dir;
    this.db = db;
    size.measure(dir);
  }

  /**
   * Opens the log in {@code dir}, creating the directory (empty log) if it is missing.
   *
   * @throws StorageException if the directory is a file, is locked by another open store or
   *     process, or holds a corrupt log; the message names the directory and the fix
   */
  public static LevelDbLogStore open(Path dir) {
    DB db = LevelDbDirectory.open(WHAT, dir, LevelDbDirectory.options(CompressionType.NONE));
    try {
      LevelDbLogStore store = new LevelDbLogStore(dir, db, load(dir, db));
      LOG.atDebug()
          .addKeyValue("dir", dir)
          .addKeyValue("firstIndex", store.firstIndex())
          .addKeyValue("lastIndex", store.lastIndex())
          .addKeyValue("term", store.hardState().term())
          .log("opened raft log");
      return store;
    } catch (RuntimeException e) {
      try {
        db.close();
      } catch (IOException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
  }

  private static EntryCache load(Path dir, DB db) {
    try {
      byte[] snapshotValue = db.get(SNAPSHOT_KEY);
      byte[] hardStateValue = db.get(HARD_STATE_KEY);
      SnapshotMeta snapshot = snapshotValue == null
          ? SnapshotMeta.EMPTY : LevelDbCodec.decodeSnapshot(snapshotValue);
      HardState hardState = hardStateValue == null
          ? HardState.EMPTY : LevelDbCodec.decodeHardState(hardStateValue);
      List<Entry> entries = new ArrayList<>();
      try (DBIterator it = db.iterator(new ReadOptions().verifyChecksums(true).fillCache(false))) {
        it.seek(new byte[] {LevelDbCodec.ENTRY_PREFIX});
        while (it.hasNext() && LevelDbCodec.isEntryKey(it.peekNext().getKey())) {
          Map.Entry<byte[], byte[]> kv = it.next();
          entries.add(LevelDbCodec.decodeEntry(kv.getKey(), kv.getValue()));
        }
      }
      EntryCache log = new EntryCache();
      log.validateSave(hardState, snapshot, entries);
      log.save(hardState, snapshot, entries);
      return log;
    } catch (IllegalArgumentException e) {
      throw LevelDbDirectory.corrupt(WHAT, dir, e.getMessage(), e);
    } catch (IOException | DBException e) {
      throw LevelDbDirectory.openFailure(WHAT, dir, e);
    }
  }

  @Override
  public synchronized void save(HardState hardState, SnapshotMeta snapshot, List<Entry> entries, boolean sync) {
    log.validateSave(hardState, snapshot, entries);
    long staleFrom = !snapshot.isEmpty() ? log.firstIndex()
        : entries.isEmpty() ? log.lastIndex() + 1 : entries.get(0).index();
    long bytes = 0;
    for (Entry e : entries) {
      bytes += e.sizeBytes();
    }
    write(batch -> {
      // Deleting a key and putting it again in the same batch leaves the put.
      deleteEntries(batch, staleFrom, log.lastIndex());
      if (!snapshot.isEmpty()) {
        batch.put(SNAPSHOT_KEY, LevelDbCodec.encodeSnapshot(snapshot));
      }
      for (Entry e : entries) {
        batch.put(LevelDbCodec.entryKey(e.index()), LevelDbCodec.encodeEntry(e));
      }
      if (!hardState.isEmpty()) {
        batch.put(HARD_STATE_KEY, LevelDbCodec.encodeHardState(hardState));
      }
    }, sync);
    log.save(hardState, snapshot, entries);
    size.add(bytes);
  }

  @Override
  public synchronized void compact(long index) {
    if (index < log.firstIndex()) {
      return; // a snapshot installed meanwhile already dropped these entries
    }
    log.validateCompact(index);
    SnapshotMeta point = new SnapshotMeta(index, log.term(index));
    write(batch -> {
      deleteEntries(batch, log.firstIndex(), index);
      batch.put(SNAPSHOT_KEY, LevelDbCodec.encodeSnapshot(point));
    }, false); // a lost compaction only brings back entries that were durable anyway
    log.compact(index);
  }

  private static void deleteEntries(WriteBatch batch, long from, long through) {
    for (long i = from; i <= through; i++) {
      batch.delete(LevelDbCodec.entryKey(i));
    }
  }

  private void write(Consumer<WriteBatch> fill, boolean sync) {
    if (closed.get()) {
      throw new IllegalStateException("raft log in " + dir + " is closed");
    }
    try (WriteBatch batch = db.createWriteBatch()) {
      fill.accept(batch);
      db.write(batch, new WriteOptions().sync(sync));
    } catch (IOException | DBException e) {
      throw new StorageException("writing the raft log in " + dir + " failed (" + e.getMessage()
          + "): the node must stop; check the disk", e);
    }
  }

  /** The total size of the files in the directory, measured at most once a second (estimated between). */
  @Override
  public long sizeBytes() {
    return size.get(dir);
  }

  /** Closes LevelDB and releases the directory lock; later calls do nothing. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        db.close();
      } catch (IOException e) {
        throw new StorageException("closing the raft log in " + dir + " failed (" + e.getMessage()
            + "): its last unsynced writes may be lost", e);
      }
    }
  }
}
