package io.eraft.raft.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.CompressionType;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a LevelDB directory for one of the node's stores and turns every way that can fail into
 * one {@link StorageException} naming the store, the directory and the fix. The one damage it
 * repairs is a write a crash tore at the end of LevelDB's write-ahead log ({@link TornLogTail}),
 * which was never acknowledged.
 */
final class LevelDbDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(LevelDbDirectory.class);
  private static final String CORRUPTION_PREFIX = "Corruption: ";

  private LevelDbDirectory() {}

  /**
   * Opens (creating if missing) the LevelDB in {@code dir}.
   *
   * @param what the store's name in messages, e.g. "raft log"
   * @throws StorageException if the directory is a file, cannot be created, is locked by another
   *     process or open handle, or holds a corrupt database
   */
  static DB open(String what, Path dir, Options options) {
    prepare(what, dir);
    try {
      return JniDBFactory.factory.open(dir.toFile(), options);
    } catch (IOException | DBException e) {
      StorageException failure = openFailure(what, dir, e);
      if (!isCorruption(e) || !truncateTornTail(dir, failure)) {
        throw failure;
      }
    }
    try {
      return JniDBFactory.factory.open(dir.toFile(), options);
    } catch (IOException | DBException e) {
      throw openFailure(what, dir, e);
    }
  }

  /**
   * Options for a node's LevelDB: paranoid checks (a damaged file stops the node rather than
   * silently dropping records), an 8 MiB block cache and a 4 MiB memtable.
   */
  static Options options(CompressionType compression) {
    return new Options()
        .createIfMissing(true)
        .paranoidChecks(true)
        .compressionType(compression)
        .cacheSize(8L << 20)
        .writeBufferSize(4 << 20);
  }

  /** Creates {@code dir} if it is missing; refuses a path that is a file. */
  static void prepare(String what, Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new StorageException(what + " path " + dir
          + " is a file, not a directory: choose a data directory or move the file away");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageException("cannot create " + what + " directory " + dir + " (" + e
          + "): check the path and its permissions", e);
    }
  }

  /** The total size of the regular files directly in {@code dir}. */
  static long sizeOf(String what, Path dir) {
    long total = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        try {
          if (Files.isRegularFile(f)) {
            total += Files.size(f);
          }
        } catch (NoSuchFileException e) {
          // LevelDB's background compaction deleted an obsolete file after it was listed.
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot measure " + what + " directory " + dir + " (" + e
          + "): check that it still exists and is readable", e);
    }
    return total;
  }

  /** Deletes {@code dir} and everything in it; logs and leaves it if that fails. */
  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.atWarn().addKeyValue("dir", dir).setCause(e).log("cannot delete an obsolete directory; delete it by hand");
    }
  }

  static StorageException corrupt(String what, Path dir, String detail, Exception e) {
    return new StorageException(
        what + " in " + dir + " is corrupt: " + detail + "; " + StorageException.RESTORE_HINT, e);
  }

  private static boolean truncateTornTail(Path dir, StorageException failure) {
    try {
      OptionalLong cut = TornLogTail.truncate(dir);
      cut.ifPresent(bytes -> LOG.atWarn()
          .addKeyValue("dir", dir)
          .addKeyValue("truncatedBytes", bytes)
          .log("cut a write torn by a crash off the end of the write-ahead log; it was never"
              + " acknowledged"));
      return cut.isPresent();
    } catch (IOException e) {
      failure.addSuppressed(e);
      return false;
    }
  }

  private static boolean isCorruption(Exception e) {
    return String.valueOf(e.getMessage()).contains(CORRUPTION_PREFIX);
  }

  static StorageException openFailure(String what, Path dir, Exception e) {
    String detail = String.valueOf(e.getMessage());
    // LevelDB's LOCK file is held with fcntl by another process, and through a lock table by
    // another open handle in this process; both errors read "IO error: lock <dir>/LOCK: ...".
    if (detail.contains("lock ") && detail.contains("LOCK")) {
      return new StorageException(what + " directory " + dir + " is in use by another process"
          + " (LOCK held): stop the other node or choose another data directory", e);
    }
    int corruption = detail.indexOf(CORRUPTION_PREFIX);
    if (corruption >= 0) {
      return corrupt(what, dir, detail.substring(corruption + CORRUPTION_PREFIX.length()), e);
    }
    return new StorageException("cannot open " + what + " in " + dir + " (" + detail + "): check the"
        + " directory's permissions and free space; if its files are damaged, " + StorageException.RESTORE_HINT, e);
  }
}
