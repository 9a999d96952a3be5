package io.eraft.raft.storage;

import io.eraft.raft.SnapshotSource;
import io.eraft.raft.core.SnapshotMeta;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import org.iq80.leveldb.CompressionType;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A state machine's data in LevelDB, with the index it reflects (DESIGN §4): every {@link #write}
 * records the applied index in the same atomic batch as the data, so after a crash the node
 * replays exactly the log suffix after {@link #applied()} and never applies an entry twice.
 *
 * <p><b>Snapshots.</b> The store is the snapshot: {@link #openSnapshot()} streams a LevelDB
 * snapshot in {@link StateSnapshotFormat}; {@link #install} loads one into a fresh database
 * directory and switches to it by atomically replacing the {@code CURRENT} file that names the
 * live directory, so a crash leaves entirely the old state or entirely the new one, and keys absent
 * from the snapshot are gone.
 *
 * <p><b>Durability.</b> Writes are not synced (the Raft log is, and a lost write is replayed from
 * it). {@link #syncApplied()} makes everything written so far durable before the node compacts the
 * log up to it: it flushes LevelDB's memtable into a synced table file (which also makes the older,
 * never-synced LevelDB log files obsolete — a synced write alone would not cover them), then does
 * one synced write, which surfaces any background error LevelDB recorded. A flush that does not
 * finish within {@link #FLUSH_TIMEOUT} (a full disk makes LevelDB retry forever) fails the node.
 *
 * <p>Keys whose first byte is 0 are reserved for the store. Thread-safety: {@link #write},
 * {@link #deletePrefix}, {@link #install} and {@link #syncApplied} are called from one thread (the
 * apply thread); {@link #get}, {@link #forEach}, {@link #scan}, {@link #applied}, {@link #sizeBytes}
 * and reading an open snapshot from any thread.
 */
public final class LevelDbStateStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LevelDbStateStore.class);
  static final Duration FLUSH_TIMEOUT = Duration.ofMinutes(2);
  static final String WHAT = "state machine";
  private static final byte[] APPLIED_KEY = {0, 'a', 'p', 'p', 'l', 'i', 'e', 'd'};
  /** A key below every stored key: compacting just it touches no table, only flushes the memtable. */
  private static final byte[] FLUSH_PROBE_KEY = {0};
  private static final int INSTALL_BATCH_BYTES = 1 << 20;

  private final Path root;
  private final DirectorySize size = new DirectorySize(WHAT);
  private final ExecutorService flusher;
  private final RangeEraser eraser = new RangeEraser(this::retainLive);
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile DbHandle live;
  private volatile SnapshotMeta applied;
  /** Applied point through which everything is durable (apply thread only). */
  private SnapshotMeta synced;

  private LevelDbStateStore(Path root, DbHandle live, SnapshotMeta applied) {
    this.root = root;
    this.live = live;
    this.applied = applied;
    this.synced = applied;
    this.flusher = daemonThread("state-flush"); // a flush stuck in LevelDB must not keep the process alive
    size.measure(live.dir);
  }

  /**
   * Opens the store under {@code root}, creating an empty one if the directory is new.
   *
   * @throws StorageException naming the directory and the fix if it is a file, locked by another
   *     process, or holds damaged state
   */
  public static LevelDbStateStore open(Path root) {
    LevelDbDirectory.prepare(WHAT, root);
    String liveName = StateDatabases.readCurrent(root);
    boolean created = liveName == null;
    if (created) {
      liveName = StateDatabases.dbName(1);
    }
    Path liveDir = root.resolve(liveName);
    DbHandle handle = new DbHandle(liveDir, LevelDbDirectory.open(WHAT, liveDir, options()));
    try {
      if (created) {
        StateDatabases.writeCurrent(root, liveName); // only once the database it names exists
      }
      SnapshotMeta applied = readApplied(handle);
      StateDatabases.removeOtherDatabases(root, liveName);
      LOG.atDebug().addKeyValue("dir", liveDir).addKeyValue("appliedIndex", applied.index())
          .log("opened state machine");
      return new LevelDbStateStore(root, handle, applied);
    } catch (RuntimeException e) {
      handle.release();
      throw e;
    }
  }

  /** The index and term of the last entry whose effects are stored (durable or not). */
  public SnapshotMeta applied() {
    return applied;
  }

  /** The value of {@code key}, or null. */
  public byte[] get(byte[] key) {
    DbHandle h = retainLive();
    try {
      return h.db.get(key);
    } catch (DBException e) {
      throw failure("reading", e);
    } finally {
      h.release();
    }
  }

  /** Visits every stored pair whose key starts with {@code prefix}, in key order. */
  public void forEach(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
    scan(prefix, prefix, (key, value) -> {
      visitor.accept(key, value);
      return true;
    });
  }

  /**
   * Visits the stored pairs whose key starts with {@code prefix}, in key order, from the first key
   * at or after {@code from}, while {@code visitor} returns true. Sees one point in time even while
   * writes go on.
   */
  public void scan(byte[] prefix, byte[] from, BiPredicate<byte[], byte[]> visitor) {
    DbHandle h = retainLive();
    try (DBIterator it = h.db.iterator()) {
      for (it.seek(from); it.hasNext(); ) {
        Map.Entry<byte[], byte[]> e = it.next();
        if (!startsWith(e.getKey(), prefix) || !visitor.test(e.getKey(), e.getValue())) {
          break;
        }
      }
    } catch (IOException | DBException e) {
      throw failure("reading", e);
    } finally {
      h.release();
    }
  }

  /**
   * Deletes every pair whose key starts with {@code prefix}, in batches of bounded size, unsynced
   * and without moving the applied point, then compacts that range in the background so the disk
   * space is freed. Not atomic: only for data no reader looks at any more (a shard that left),
   * whose deletion the entry being applied repeats if a crash cuts it short. Apply thread only.
   *
   * @return how many pairs were deleted
   */
  public long deletePrefix(byte[] prefix) {
    try {
      return eraser.erase(live, prefix);
    } catch (IOException | DBException e) {
      throw failure("deleting from", e);
    }
  }

  /**
   * Writes {@code fill}'s changes and the new applied point as one atomic batch, unsynced.
   *
   * @throws IllegalStateException if {@code appliedThrough} is not past {@link #applied()}: an
   *     entry would be applied twice
   * @throws StorageException if LevelDB fails; the node must stop
   */
  public void write(Consumer<WriteBatch> fill, SnapshotMeta appliedThrough) {
    if (appliedThrough.index() <= applied.index()) {
      throw new IllegalStateException("applying through index " + appliedThrough.index() + " again: the "
          + WHAT + " already reflects index " + applied.index());
    }
    DbHandle h = live;
    try (WriteBatch batch = h.db.createWriteBatch()) {
      fill.accept(batch);
      batch.put(APPLIED_KEY, encodeApplied(appliedThrough));
      h.db.write(batch, new WriteOptions().sync(false));
    } catch (IOException | DBException e) {
      throw failure("writing", e);
    }
    applied = appliedThrough;
  }

  /** Makes every write so far durable and returns the applied point that is now durable. */
  public SnapshotMeta syncApplied() {
    SnapshotMeta current = applied;
    if (!current.equals(synced)) {
      flush(live, current);
      synced = current;
    }
    return synced;
  }

  /** A point-in-time copy of the whole store, readable on another thread while writes go on. */
  public SnapshotSource openSnapshot() {
    DbHandle h = retainLive();
    try {
      return new StateSnapshotSource(h, applied);
    } catch (RuntimeException e) {
      h.release();
      throw failure("snapshotting", e);
    }
  }

  /**
   * Replaces the whole store with the snapshot in {@code data}, whose applied point is
   * {@code meta}. Validates the snapshot completely before switching; on failure the old state
   * stays live.
   *
   * @throws IOException if the snapshot is truncated or corrupt
   */
  public void install(SnapshotMeta meta, InputStream data) throws IOException {
    DbHandle old = live;
    String freshName = StateDatabases.dbName(StateDatabases.sequenceOf(old.dir) + 1);
    Path freshDir = root.resolve(freshName);
    LevelDbDirectory.deleteRecursively(freshDir);
    DbHandle fresh = new DbHandle(freshDir, LevelDbDirectory.open(WHAT, freshDir, options()));
    try {
      load(fresh, data, meta);
      flush(fresh, meta);
    } catch (IOException | RuntimeException e) {
      fresh.retire();
      throw e;
    }
    switchCurrent(freshName, fresh);
    live = fresh;
    applied = meta;
    synced = meta;
    old.retire();
    size.measure(freshDir);
    LOG.atInfo().addKeyValue("dir", freshDir).addKeyValue("appliedIndex", meta.index())
        .log("installed state machine snapshot");
  }

  /**
   * Points CURRENT at the fresh database. If that fails after the rename took effect, CURRENT may
   * already name the fresh one, so it must survive: the node stops with both databases on disk.
   */
  private void switchCurrent(String freshName, DbHandle fresh) {
    try {
      StateDatabases.writeCurrent(root, freshName);
    } catch (StorageException e) {
      if (!freshName.equals(StateDatabases.readCurrent(root))) {
        fresh.retire();
      } else {
        fresh.release();
      }
      throw e;
    }
  }

  /**
   * The failure to throw when a service finds one of its records in this store unreadable: names
   * the store's directory and the restore advice, and the binaries print it as one line.
   */
  public StorageException corrupt(String detail, Exception cause) {
    return LevelDbDirectory.corrupt(WHAT, root, detail, cause);
  }

  /** Bytes of the store on disk, measured at most once a second. */
  public long sizeBytes() {
    DbHandle h = retainLive();
    try {
      return size.get(h.dir);
    } finally {
      h.release();
    }
  }

  /**
   * Releases the database (once every open snapshot is closed too), after a range compaction in
   * progress ends. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      flusher.shutdownNow();
      eraser.close(); // a compaction in progress holds the database open
      live.release();
    }
  }

  private DbHandle retainLive() {
    while (true) {
      DbHandle h = live;
      if (h.retain()) {
        return h;
      }
      if (h == live) {
        throw new IllegalStateException(WHAT + " in " + root + " is closed");
      }
    }
  }

  private static void load(DbHandle target, InputStream data, SnapshotMeta meta) throws IOException {
    WriteBatch[] batch = {target.db.createWriteBatch()};
    long[] batchBytes = {0};
    try {
      StateSnapshotFormat.read(data, (key, value) -> {
        batch[0].put(key, value);
        batchBytes[0] += key.length + value.length;
        if (batchBytes[0] >= INSTALL_BATCH_BYTES) {
          target.db.write(batch[0]);
          batch[0].close();
          batch[0] = target.db.createWriteBatch();
          batchBytes[0] = 0;
        }
      });
      batch[0].put(APPLIED_KEY, encodeApplied(meta));
      target.db.write(batch[0]);
    } finally {
      batch[0].close();
    }
  }

  /**
   * Flushes the memtable to a synced table, then writes the applied point with sync, on the flush
   * thread, bounded by {@link #FLUSH_TIMEOUT}.
   */
  private void flush(DbHandle h, SnapshotMeta appliedPoint) {
    Future<?> done = flusher.submit(() -> {
      h.db.compactRange(FLUSH_PROBE_KEY, FLUSH_PROBE_KEY);
      h.db.put(APPLIED_KEY, encodeApplied(appliedPoint), new WriteOptions().sync(true));
    });
    try {
      done.get(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new StorageException("flushing the " + WHAT + " in " + h.dir + " did not finish within "
          + FLUSH_TIMEOUT.toSeconds() + " s (see " + h.dir.resolve("LOG") + "; is the disk full?): the node must stop", e);
    } catch (ExecutionException e) {
      throw failure("flushing", e.getCause() instanceof Exception cause ? cause : e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while flushing the " + WHAT + " in " + h.dir, e);
    }
  }

  private StorageException failure(String doing, Exception e) {
    return new StorageException(doing + " the " + WHAT + " in " + root + " failed (" + e.getMessage()
        + "): the node must stop; check the disk", e);
  }

  private static SnapshotMeta readApplied(DbHandle h) {
    try {
      byte[] value = h.db.get(APPLIED_KEY);
      if (value == null) {
        return SnapshotMeta.EMPTY;
      }
      if (value.length != 16) {
        throw LevelDbDirectory.corrupt(WHAT, h.dir, "applied index record has " + value.length + " bytes", null);
      }
      ByteBuffer b = ByteBuffer.wrap(value);
      return new SnapshotMeta(b.getLong(), b.getLong());
    } catch (IllegalArgumentException | DBException e) {
      throw LevelDbDirectory.corrupt(WHAT, h.dir, String.valueOf(e.getMessage()), e);
    }
  }

  private static byte[] encodeApplied(SnapshotMeta meta) {
    return ByteBuffer.allocate(16).putLong(meta.index()).putLong(meta.term()).array();
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  static ExecutorService daemonThread(String name) {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  private static org.iq80.leveldb.Options options() {
    return LevelDbDirectory.options(CompressionType.SNAPPY);
  }
}
