package io.eraft.raft.storage;

import io.eraft.raft.SnapshotSource;
import io.eraft.raft.core.SnapshotMeta;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.iq80.leveldb.CompressionType;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.ReadOptions;
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
 * log up to it: it flushes LevelDB's memtable into a synced table file, because a synced write
 * alone would not cover writes left in an older, never-synced LevelDB log file.
 *
 * <p>Keys whose first byte is 0 are reserved for the store. Thread-safety: {@link #write},
 * {@link #install}, {@link #forEach} and {@link #syncApplied} are called from one thread (the apply
 * thread); {@link #get}, {@link #applied}, {@link #sizeBytes} and reading an open snapshot from any
 * thread.
 */
public final class LevelDbStateStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LevelDbStateStore.class);
  private static final String WHAT = "state machine";
  private static final String CURRENT = "CURRENT";
  private static final String DB_PREFIX = "db-";
  private static final Pattern DB_NAME = Pattern.compile("db-\\d{6}");
  private static final byte[] APPLIED_KEY = {0, 'a', 'p', 'p', 'l', 'i', 'e', 'd'};
  /** A key below every stored key: compacting just it touches no table, only flushes the memtable. */
  private static final byte[] FLUSH_PROBE_KEY = {0};
  private static final int INSTALL_BATCH_BYTES = 1 << 20;
  private static final long SIZE_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Path root;
  private volatile DbHandle live;
  private volatile SnapshotMeta applied;
  /** Applied index through which everything is durable (apply thread only). */
  private SnapshotMeta synced;
  private volatile long sizeBytes;
  private volatile long sizeMeasuredAtNanos;

  private LevelDbStateStore(Path root, DbHandle live, SnapshotMeta applied) {
    this.root = root;
    this.live = live;
    this.applied = applied;
    this.synced = applied;
    measureSize(System.nanoTime());
  }

  /**
   * Opens the store under {@code root}, creating an empty one if the directory is new.
   *
   * @throws StorageException naming the directory and the fix if it is a file, locked by another
   *     process, or holds damaged state
   */
  public static LevelDbStateStore open(Path root) {
    LevelDbDirectory.prepare(WHAT, root);
    String liveName = readCurrent(root);
    if (liveName == null) {
      liveName = dbName(1);
      writeCurrent(root, liveName);
    }
    DbHandle handle = new DbHandle(root.resolve(liveName), LevelDbDirectory.open(WHAT, root.resolve(liveName), options()));
    try {
      SnapshotMeta applied = readApplied(handle);
      removeOtherDatabases(root, liveName);
      LOG.atInfo().addKeyValue("dir", handle.dir).addKeyValue("appliedIndex", applied.index())
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
    DbHandle h = retainLive();
    try (DBIterator it = h.db.iterator()) {
      for (it.seek(prefix); it.hasNext(); ) {
        Map.Entry<byte[], byte[]> e = it.next();
        if (!startsWith(e.getKey(), prefix)) {
          break;
        }
        visitor.accept(e.getKey(), e.getValue());
      }
    } catch (IOException | DBException e) {
      throw failure("reading", e);
    } finally {
      h.release();
    }
  }

  /**
   * Writes {@code fill}'s changes and the new applied point as one atomic batch, unsynced.
   *
   * @throws StorageException if LevelDB fails; the node must stop
   */
  public void write(Consumer<WriteBatch> fill, SnapshotMeta appliedThrough) {
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
      flush(live);
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
      throw e;
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
    String freshName = dbName(sequenceOf(old.dir) + 1);
    Path freshDir = root.resolve(freshName);
    deleteRecursively(freshDir);
    DbHandle fresh = new DbHandle(freshDir, LevelDbDirectory.open(WHAT, freshDir, options()));
    try {
      load(fresh, data, meta);
      flush(fresh);
      writeCurrent(root, freshName);
    } catch (IOException | RuntimeException e) {
      fresh.retire();
      throw e;
    }
    live = fresh;
    applied = meta;
    synced = meta;
    old.retire();
    measureSize(System.nanoTime());
    LOG.atInfo().addKeyValue("dir", freshDir).addKeyValue("appliedIndex", meta.index())
        .log("installed state machine snapshot");
  }

  /** Bytes of the store on disk, measured at most once a second. */
  public long sizeBytes() {
    long now = System.nanoTime();
    if (now - sizeMeasuredAtNanos >= SIZE_REFRESH_NANOS) {
      measureSize(now);
    }
    return sizeBytes;
  }

  @Override
  public void close() {
    live.release();
  }

  private void measureSize(long now) {
    sizeBytes = LevelDbDirectory.sizeOf(WHAT, live.dir);
    sizeMeasuredAtNanos = now;
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

  private static void flush(DbHandle h) {
    try {
      h.db.compactRange(FLUSH_PROBE_KEY, FLUSH_PROBE_KEY);
    } catch (DBException e) {
      throw new StorageException("syncing the " + WHAT + " in " + h.dir + " failed (" + e.getMessage()
          + "): the node must stop; check the disk", e);
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

  private static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static Options options() {
    return new Options()
        .createIfMissing(true)
        .paranoidChecks(true)
        .compressionType(CompressionType.SNAPPY)
        .cacheSize(8L << 20)
        .writeBufferSize(4 << 20);
  }

  private static String dbName(long sequence) {
    return String.format("%s%06d", DB_PREFIX, sequence);
  }

  private static long sequenceOf(Path dbDir) {
    return Long.parseLong(dbDir.getFileName().toString().substring(DB_PREFIX.length()));
  }

  /** The live database's name from CURRENT, or null in a new store. */
  private static String readCurrent(Path root) {
    Path current = root.resolve(CURRENT);
    try {
      if (!Files.exists(current)) {
        try (Stream<Path> entries = Files.list(root)) {
          if (entries.findAny().isPresent()) {
            throw new StorageException(WHAT + " directory " + root + " is not empty but has no " + CURRENT
                + " file: it is not a state machine directory; choose an empty or existing data directory");
          }
        }
        return null;
      }
      String name = Files.readString(current, StandardCharsets.US_ASCII).trim();
      if (!DB_NAME.matcher(name).matches() || !Files.isDirectory(root.resolve(name))) {
        throw LevelDbDirectory.corrupt(WHAT, root, CURRENT + " names '" + name + "', which is not a database here",
            null);
      }
      return name;
    } catch (IOException e) {
      throw new StorageException("cannot read " + WHAT + " directory " + root + " (" + e
          + "): check that it exists and is readable", e);
    }
  }

  /** Points CURRENT at {@code name}: write a temporary file, sync it, rename it over, sync the directory. */
  private static void writeCurrent(Path root, String name) {
    Path tmp = root.resolve(CURRENT + ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(ByteBuffer.wrap((name + "\n").getBytes(StandardCharsets.US_ASCII)));
        ch.force(true);
      }
      Files.move(tmp, root.resolve(CURRENT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(root, StandardOpenOption.READ)) {
        dir.force(true);
      }
    } catch (IOException e) {
      throw new StorageException("cannot update " + root.resolve(CURRENT) + " (" + e
          + "): check free space and permissions", e);
    }
  }

  /** Deletes databases left by an install that crashed before switching CURRENT. */
  private static void removeOtherDatabases(Path root, String liveName) {
    try (Stream<Path> entries = Files.list(root)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        String name = p.getFileName().toString();
        if (DB_NAME.matcher(name).matches() && !name.equals(liveName)) {
          LOG.atInfo().addKeyValue("dir", p).log("removing a state machine copy left by an interrupted install");
          deleteRecursively(p);
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot list " + WHAT + " directory " + root + " (" + e + ")", e);
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  /** A point-in-time copy, streamed from a LevelDB snapshot of the database live when it was opened. */
  private static final class StateSnapshotSource implements SnapshotSource {
    private final DbHandle handle;
    private final SnapshotMeta meta;
    private final org.iq80.leveldb.Snapshot snapshot;
    private final StateSnapshotStream data;

    StateSnapshotSource(DbHandle handle, SnapshotMeta meta) {
      this.handle = handle;
      this.meta = meta;
      this.snapshot = handle.db.getSnapshot();
      this.data = new StateSnapshotStream(handle.db.iterator(new ReadOptions()
          .snapshot(snapshot).fillCache(false)));
    }

    @Override
    public SnapshotMeta meta() {
      return meta;
    }

    @Override
    public InputStream data() {
      return data;
    }

    @Override
    public void close() {
      try {
        data.close();
        snapshot.close();
      } catch (IOException e) {
        LOG.warn("closing a state snapshot failed", e);
      } finally {
        handle.release();
      }
    }
  }

  /** One LevelDB database directory, closed (and, once retired, deleted) when its last user releases it. */
  private static final class DbHandle {
    final Path dir;
    final org.iq80.leveldb.DB db;
    private int refs = 1;
    private boolean retired;

    DbHandle(Path dir, org.iq80.leveldb.DB db) {
      this.dir = dir;
      this.db = db;
    }

    synchronized boolean retain() {
      if (refs == 0) {
        return false;
      }
      refs++;
      return true;
    }

    /** Drops the owner's reference and deletes the directory once closed. */
    void retire() {
      synchronized (this) {
        retired = true;
      }
      release();
    }

    void release() {
      boolean deleteAfterClose;
      synchronized (this) {
        if (--refs > 0) {
          return;
        }
        deleteAfterClose = retired;
      }
      try {
        db.close();
      } catch (IOException e) {
        LOG.warn("closing the state machine database in {} failed", dir, e);
      }
      if (deleteAfterClose) {
        deleteRecursively(dir);
      }
    }
  }
}
