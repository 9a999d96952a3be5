package io.eraft.raft.server;

import io.eraft.raft.storage.AtomicFiles;
import io.eraft.raft.storage.StorageException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Whose a data directory is: the service, the group (empty for a service that has one group), the
 * node id and the group's address list, recorded in {@code DIR/IDENTITY} when a replica first
 * starts on it. A replica started on a directory recorded for another owner refuses before it
 * opens anything there, so a mistyped {@code -db} or {@code -id} cannot make one node adopt another
 * node's votes and log (two voters with one memory), or a controller open a KV store. Immutable;
 * {@link #claim} is called once, by the thread starting the replica.
 */
public record DirectoryOwner(String service, String group, long node, List<String> peers) {
  public static final String FILE = "IDENTITY";
  private static final String FORMAT = "1";

  public DirectoryOwner {
    peers = List.copyOf(peers);
  }

  /**
   * Records this owner in {@code dir} if it has none yet (a new directory, or one made before
   * directories recorded their owner), or checks that the recorded one is this one.
   *
   * @throws StorageException naming both owners if {@code dir} belongs to another, or if the
   *     record cannot be read or written
   */
  public void claim(Path dir) {
    Path file = dir.resolve(FILE);
    if (Files.exists(file)) {
      DirectoryOwner recorded = read(file);
      if (!recorded.equals(this)) {
        throw new StorageException("data directory " + dir + " belongs to " + recorded.describe() + ", not to "
            + describe() + ": start that node on it, or give this one its own directory");
      }
      return;
    }
    write(dir);
  }

  /** How an operator recognizes the owner: {@code kvraft node 1 (of localhost:5001,...)}. */
  public String describe() {
    return service + (group.isEmpty() ? "" : " group " + group) + " node " + node + " (of " + String.join(",", peers)
        + ")";
  }

  private static DirectoryOwner read(Path file) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException | IllegalArgumentException e) {
      throw new StorageException("cannot read " + file + " (" + e + "): check its permissions", e);
    }
    String service = p.getProperty("service");
    String node = p.getProperty("node");
    String peers = p.getProperty("peers");
    if (!FORMAT.equals(p.getProperty("format")) || service == null || node == null || peers == null) {
      throw new StorageException(file + " is not a data directory identity this version writes (format "
          + FORMAT + " with service, node and peers): it was damaged or edited by hand");
    }
    try {
      return new DirectoryOwner(service, p.getProperty("group", ""), Long.parseLong(node),
          Arrays.asList(peers.split(",")));
    } catch (NumberFormatException e) {
      throw new StorageException(file + " names node '" + node + "', not a number: it was damaged or edited by hand",
          e);
    }
  }

  private void write(Path dir) {
    String text = "# who this data directory belongs to; a replica started with other flags refuses it\n"
        + "format=" + FORMAT + "\nservice=" + service + "\ngroup=" + group + "\nnode=" + node + "\npeers="
        + String.join(",", peers) + "\n";
    try {
      Files.createDirectories(dir);
      AtomicFiles.replace(dir.resolve(FILE), text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new StorageException("cannot write " + dir.resolve(FILE) + " (" + e
          + "): check that the data directory is writable and the disk has space", e);
    }
  }
}
