package io.eraft.raft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.raft.core.HardState;
import io.eraft.raft.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryOwnerTest {
  private static final List<String> PEERS = List.of("127.0.0.1:5001", "127.0.0.1:5002", "127.0.0.1:5003");
  private static final DirectoryOwner KV_NODE_1 = new DirectoryOwner("kvraft", "", 1, PEERS);

  @TempDir Path dir;

  @Test
  void firstClaimRecordsTheOwnerAndTheSameOwnerMayClaimAgain() throws IOException {
    Path data = dir.resolve("node-1");
    KV_NODE_1.claim(data);
    assertTrue(Files.readString(data.resolve(DirectoryOwner.FILE)).contains("node=1"));
    KV_NODE_1.claim(data);
    new DirectoryOwner("kvraft", "", 1, PEERS).claim(data);
  }

  @Test
  void anotherNodeServiceGroupOrPeerListIsRefusedNamingBothAndChangesNothing() throws IOException {
    KV_NODE_1.claim(dir);
    String before = Files.readString(dir.resolve(DirectoryOwner.FILE));
    for (DirectoryOwner other : List.of(
        new DirectoryOwner("kvraft", "", 0, PEERS),
        new DirectoryOwner("shardctrler", "", 1, PEERS),
        new DirectoryOwner("kvraft", "100", 1, PEERS),
        new DirectoryOwner("kvraft", "", 1, List.of("127.0.0.1:6001", "127.0.0.1:6002", "127.0.0.1:6003")))) {
      StorageException e = assertThrows(StorageException.class, () -> other.claim(dir));
      assertEquals("data directory " + dir + " belongs to " + KV_NODE_1.describe() + ", not to " + other.describe()
          + ": start that node on it, or give this one its own directory", e.getMessage());
    }
    assertEquals(before, Files.readString(dir.resolve(DirectoryOwner.FILE)));
  }

  @Test
  void aDirectoryMadeBeforeOwnersWereRecordedIsAdopted() throws IOException {
    Files.createDirectories(dir.resolve(ReplicaServer.LOG_DIR));
    KV_NODE_1.claim(dir);
    assertThrows(StorageException.class, () -> new DirectoryOwner("kvraft", "", 2, PEERS).claim(dir));
  }

  @Test
  void aDamagedRecordIsAClearError() throws IOException {
    Files.writeString(dir.resolve(DirectoryOwner.FILE), "format=1\nservice=kvraft\nnode=x\npeers=a\n");
    StorageException e = assertThrows(StorageException.class, () -> KV_NODE_1.claim(dir));
    assertTrue(e.getMessage().contains("names node 'x'"), e.getMessage());
    Files.writeString(dir.resolve(DirectoryOwner.FILE), "hello\n");
    e = assertThrows(StorageException.class, () -> KV_NODE_1.claim(dir));
    assertTrue(e.getMessage().contains("damaged or edited by hand"), e.getMessage());
  }

  @Test
  void aLearnedClusterIdIsRecordedAndADamagedOneIsAClearError() throws IOException {
    DirectoryOwner.Claim first = KV_NODE_1.claim(dir);
    assertEquals(HardState.NO_CLUSTER, first.clusterId());
    first.withClusterId(0x0123456789abcdefL);
    assertEquals(0x0123456789abcdefL, KV_NODE_1.claim(dir).clusterId());
    assertTrue(Files.readString(dir.resolve(DirectoryOwner.FILE)).contains("cluster=0123456789abcdef"));

    Files.writeString(dir.resolve(DirectoryOwner.FILE),
        Files.readString(dir.resolve(DirectoryOwner.FILE)).replace("0123456789abcdef", "xyz"));
    StorageException e = assertThrows(StorageException.class, () -> KV_NODE_1.claim(dir));
    assertTrue(e.getMessage().contains("'xyz' is not a cluster id"), e.getMessage());
  }
}
