package io.eraft.raft.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.eraft.raft.core.SnapshotMeta;
import io.eraft.raft.transport.SnapshotChunk;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotReceiverTest {
  @TempDir Path dir;

  private static SnapshotChunk chunk(long term, long index, long offset, String data, boolean done) {
    return new SnapshotChunk(1, 2, term, index, term, offset, ByteString.copyFromUtf8(data), done);
  }

  @Test
  void chunksAssembleInOrderAndAWrongOffsetIsRefused() throws Exception {
    SnapshotReceiver r = new SnapshotReceiver(dir);
    assertEquals(3, r.accept(chunk(2, 10, 0, "abc", false)));
    assertEquals(3, r.accept(chunk(2, 10, 5, "zz", false)), "a gap must be refused");
    assertEquals(6, r.accept(chunk(2, 10, 3, "def", true)));
    Path staged = r.claim(new SnapshotMeta(10, 2));
    assertArrayEquals("abcdef".getBytes(), Files.readAllBytes(staged));
  }

  @Test
  void aDeposedLeaderCannotRestartTheCurrentLeadersTransfer() throws Exception {
    SnapshotReceiver r = new SnapshotReceiver(dir);
    r.accept(chunk(5, 20, 0, "new", false));
    assertEquals(3, r.accept(chunk(4, 10, 0, "old", false)), "lower-term restart accepted");
    assertEquals(7, r.accept(chunk(5, 20, 3, "term", true)));
    assertArrayEquals("newterm".getBytes(), Files.readAllBytes(r.claim(new SnapshotMeta(20, 5))));
  }

  @Test
  void eachCompletedSnapshotIsClaimedUnderItsOwnName() throws Exception {
    SnapshotReceiver r = new SnapshotReceiver(dir);
    r.accept(chunk(3, 10, 0, "first", true));
    r.accept(chunk(4, 30, 0, "second", true)); // a newer leader's snapshot arrives before the claim
    assertArrayEquals("first".getBytes(), Files.readAllBytes(r.claim(new SnapshotMeta(10, 3))));
    r.installed(new SnapshotMeta(10, 3));
    assertArrayEquals("second".getBytes(), Files.readAllBytes(r.claim(new SnapshotMeta(30, 4))));
    r.installed(new SnapshotMeta(30, 4));
    assertThrows(IllegalStateException.class, () -> r.claim(new SnapshotMeta(30, 4)));
    try (var left = Files.list(dir)) {
      assertFalse(left.anyMatch(p -> p.toString().endsWith(".ready") || p.toString().endsWith(".installing")));
    }
  }
}
