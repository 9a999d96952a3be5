package io.eraft.raft.server;

import io.eraft.raft.core.ClusterIds;
import io.eraft.raft.core.HardState;
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
 * starts on it, with the cluster id of the group incarnation it belongs to once the node knows it. A replica started on a directory recorded for another owner refuses
 * before it opens anything there, so a mistyped {@code -db} or {@code -id} cannot make one node
 * adopt another node's votes and log (two voters with one memory), or a controller open a KV store.
 * {@link #claim} is called once, by the thread starting the replica.
 */
public record DirectoryOwner(String service, String group, long node, List<String> peers) {
  public static final String FILE = "IDENTITY";
  private static final String FORMAT = "1";

  public DirectoryOwner {
    peers = List.copyOf(peers);
  }

  /** A claimed directory: its owner and cluster id ({@link HardState#NO_CLUSTER} if not recorded). */
  public record Claim(Path dir, DirectoryOwner owner, long clusterId) {
    /** Records the cluster id the node learned, unless the directory records it already. */
    public Claim withClusterId(long id) {
      if (id == clusterId) {
        return this;
      }
      Claim updated = new Claim(dir, owner, id);
      updated.write();
      return updated;
    }

    private void write() {
      String text = "# who this data directory belongs to; a replica started with other flags refuses it\n"
          + "format=" + FORMAT + "\nservice=" + owner.service + "\ngroup=" + owner.group + "\nnode=" + owner.node
          + "\npeers=" + String.join(",", owner.peers)
          + (clusterId == HardState.NO_CLUSTER ? "" : "\ncluster=" + ClusterIds.format(clusterId)) + "\n";
      try {
        Files.createDirectories(dir);
        AtomicFiles.replace(dir.resolve(FILE), text.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new StorageException("cannot write " + dir.resolve(FILE) + " (" + e
            + "): check that the data directory is writable and the disk has space", e);
      }
    }
  }

  /**
   * Records this owner in {@code dir} if it has none yet (a new directory, or one made before
   * directories recorded their owner), or checks that the recorded one is this one.
   *
   * @throws StorageException naming both owners if {@code dir} belongs to another, or if the
   *     record cannot be read or written
   */
  public Claim claim(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      Claim fresh = new Claim(dir, this, HardState.NO_CLUSTER);
      fresh.write();
      return fresh;
    }
    Properties p = load(file);
    DirectoryOwner recorded = ownerIn(p, file);
    if (!recorded.equals(this)) {
      throw new StorageException("data directory " + dir + " belongs to " + recorded.describe() + ", not to "
          + describe() + ": start that node on it, or give this one its own directory");
    }
    String cluster = p.getProperty("cluster");
    try {
      return new Claim(dir, this, cluster == null ? HardState.NO_CLUSTER : ClusterIds.parse(cluster));
    } catch (IllegalArgumentException e) {
      throw new StorageException(file + ": " + e.getMessage() + "; it was damaged or edited by hand", e);
    }
  }

  /** How an operator recognizes the owner: {@code kvraft node 1 (of localhost:5001,...)}. */
  public String describe() {
    return service + (group.isEmpty() ? "" : " group " + group) + " node " + node + " (of " + String.join(",", peers)
        + ")";
  }

  private static Properties load(Path file) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException | IllegalArgumentException e) {
      throw new StorageException("cannot read " + file + " (" + e + "): check its permissions", e);
    }
    return p;
  }

  private static DirectoryOwner ownerIn(Properties p, Path file) {
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
}
