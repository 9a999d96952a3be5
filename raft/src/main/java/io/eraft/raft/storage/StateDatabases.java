package io.eraft.raft.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The databases under a {@link LevelDbStateStore}'s directory: each a {@code db-NNNNNN}
 * directory, the live one named by the {@code CURRENT} file, which an install replaces atomically
 * to switch to a fresh database. Stateless.
 */
final class StateDatabases {
  private static final Logger LOG = LoggerFactory.getLogger(StateDatabases.class);
  private static final String WHAT = LevelDbStateStore.WHAT;
  private static final String CURRENT = "CURRENT";
  private static final String CURRENT_TMP = CURRENT + ".tmp";
  private static final String DB_PREFIX = "db-";
  private static final Pattern DB_NAME = Pattern.compile("db-\\d{6,}");

  private StateDatabases() {}

  static String dbName(long sequence) {
    return String.format("%s%06d", DB_PREFIX, sequence);
  }

  static long sequenceOf(Path dbDir) {
    return Long.parseLong(dbDir.getFileName().toString().substring(DB_PREFIX.length()));
  }

  /** The live database's name from CURRENT, or null in a new store. */
  static String readCurrent(Path root) {
    Path current = root.resolve(CURRENT);
    try {
      if (!Files.exists(current)) {
        try (Stream<Path> entries = Files.list(root)) {
          // A database without CURRENT is one whose creation crashed before CURRENT was written.
          if (entries.map(p -> p.getFileName().toString())
              .anyMatch(name -> !name.equals(CURRENT_TMP) && !DB_NAME.matcher(name).matches())) {
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

  /** Points CURRENT at {@code name}, atomically ({@link AtomicFiles#replace}). */
  static void writeCurrent(Path root, String name) {
    try {
      AtomicFiles.replace(root.resolve(CURRENT), (name + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new StorageException("cannot update " + root.resolve(CURRENT) + " (" + e
          + "): check free space and permissions", e);
    }
  }

  /** Deletes databases left by an install that crashed before switching CURRENT. */
  static void removeOtherDatabases(Path root, String liveName) {
    try (Stream<Path> entries = Files.list(root)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        String name = p.getFileName().toString();
        if (DB_NAME.matcher(name).matches() && !name.equals(liveName)) {
          LOG.atInfo().addKeyValue("dir", p).log("removing a state machine copy left by an interrupted install");
          LevelDbDirectory.deleteRecursively(p);
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot list " + WHAT + " directory " + root + " (" + e + ")", e);
    }
  }
}
