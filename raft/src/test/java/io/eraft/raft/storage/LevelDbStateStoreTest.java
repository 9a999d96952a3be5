package io.eraft.raft.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.raft.SnapshotSource;
import io.eraft.raft.core.SnapshotMeta;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LevelDbStateStoreTest {
  @TempDir Path dir;

  @Test
  void dataAndAppliedIndexSurviveReopen() {
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      assertEquals(SnapshotMeta.EMPTY, store.applied());
      store.write(batch -> batch.put(bytes("a"), bytes("1")), new SnapshotMeta(3, 1));
      store.write(batch -> batch.put(bytes("b"), bytes("2")), new SnapshotMeta(4, 2));
    }
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      assertEquals(new SnapshotMeta(4, 2), store.applied());
      assertArrayEquals(bytes("1"), store.get(bytes("a")));
      assertArrayEquals(bytes("2"), store.get(bytes("b")));
    }
  }

  @Test
  void syncAppliedReturnsWhatWasWritten() {
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      store.write(batch -> batch.put(bytes("a"), bytes("1")), new SnapshotMeta(7, 2));
      assertEquals(new SnapshotMeta(7, 2), store.syncApplied());
      assertEquals(new SnapshotMeta(7, 2), store.syncApplied());
      assertArrayEquals(bytes("1"), store.get(bytes("a")));
    }
  }

  @Test
  void snapshotIsAPointInTimeCopyAndInstallReplacesEverything() throws IOException {
    byte[] snapshot;
    Path sourceDir = dir.resolve("source");
    try (LevelDbStateStore source = LevelDbStateStore.open(sourceDir)) {
      source.write(batch -> {
        batch.put(bytes("k1"), bytes("v1"));
        batch.put(bytes("k2"), bytes("v2"));
      }, new SnapshotMeta(10, 3));
      try (SnapshotSource copy = source.openSnapshot()) {
        source.write(batch -> batch.put(bytes("k3"), bytes("later")), new SnapshotMeta(11, 3));
        assertEquals(new SnapshotMeta(10, 3), copy.meta());
        snapshot = copy.data().readAllBytes();
      }
    }
    Path targetDir = dir.resolve("target");
    try (LevelDbStateStore target = LevelDbStateStore.open(targetDir)) {
      target.write(batch -> {
        batch.put(bytes("k1"), bytes("old"));
        batch.put(bytes("stale"), bytes("gone after install"));
      }, new SnapshotMeta(2, 1));
      target.install(new SnapshotMeta(10, 3), new ByteArrayInputStream(snapshot));
      assertEquals(new SnapshotMeta(10, 3), target.applied());
      assertArrayEquals(bytes("v1"), target.get(bytes("k1")));
      assertArrayEquals(bytes("v2"), target.get(bytes("k2")));
      assertNull(target.get(bytes("k3")), "written after the snapshot was opened");
      assertNull(target.get(bytes("stale")), "keys absent from the snapshot are removed");
    }
    try (LevelDbStateStore reopened = LevelDbStateStore.open(targetDir)) {
      assertEquals(new SnapshotMeta(10, 3), reopened.applied());
      assertNull(reopened.get(bytes("stale")));
      assertArrayEquals(bytes("v2"), reopened.get(bytes("k2")));
      assertEquals(1, databases(targetDir).size(), "the replaced database is deleted");
    }
  }

  @Test
  void largeSnapshotStreamsInChunks() throws IOException {
    byte[] value = new byte[1000];
    Arrays.fill(value, (byte) 'x');
    byte[] snapshot;
    try (LevelDbStateStore source = LevelDbStateStore.open(dir.resolve("source"))) {
      source.write(batch -> {
        for (int i = 0; i < 5000; i++) {
          batch.put(bytes("key-" + i), value);
        }
      }, new SnapshotMeta(1, 1));
      try (SnapshotSource copy = source.openSnapshot()) {
        snapshot = copy.data().readAllBytes();
      }
    }
    assertTrue(snapshot.length > 5_000_000);
    try (LevelDbStateStore target = LevelDbStateStore.open(dir.resolve("target"))) {
      target.install(new SnapshotMeta(1, 1), new ByteArrayInputStream(snapshot));
      List<String> keys = new ArrayList<>();
      target.forEach(bytes("key-"), (k, v) -> keys.add(new String(k, StandardCharsets.UTF_8)));
      assertEquals(5000, keys.size());
    }
  }

  @Test
  void corruptOrTruncatedSnapshotIsRefusedAndOldStateStays() throws IOException {
    byte[] snapshot;
    try (LevelDbStateStore source = LevelDbStateStore.open(dir.resolve("source"))) {
      source.write(batch -> batch.put(bytes("k"), bytes("new")), new SnapshotMeta(5, 1));
      try (SnapshotSource copy = source.openSnapshot()) {
        snapshot = copy.data().readAllBytes();
      }
    }
    Path targetDir = dir.resolve("target");
    try (LevelDbStateStore target = LevelDbStateStore.open(targetDir)) {
      target.write(batch -> batch.put(bytes("k"), bytes("old")), new SnapshotMeta(2, 1));
      byte[] flipped = snapshot.clone();
      flipped[12] ^= 1;
      assertThrows(IOException.class, () -> target.install(new SnapshotMeta(5, 1), new ByteArrayInputStream(flipped)));
      byte[] truncated = Arrays.copyOf(snapshot, snapshot.length - 3);
      assertThrows(IOException.class,
          () -> target.install(new SnapshotMeta(5, 1), new ByteArrayInputStream(truncated)));
      assertArrayEquals(bytes("old"), target.get(bytes("k")));
      assertEquals(new SnapshotMeta(2, 1), target.applied());
      assertEquals(1, databases(targetDir).size(), "failed installs leave nothing behind");
    }
  }

  @Test
  void leftoverOfAnInterruptedInstallIsRemovedAtOpen() throws IOException {
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      store.write(batch -> batch.put(bytes("k"), bytes("v")), new SnapshotMeta(1, 1));
    }
    Path leftover = Files.createDirectories(dir.resolve("db-000002"));
    Files.writeString(leftover.resolve("000001.log"), "half an install");
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      assertArrayEquals(bytes("v"), store.get(bytes("k")));
      assertEquals(List.of("db-000001"), databases(dir));
    }
  }

  @Test
  void lockedDirectoryIsRefusedWithAClearMessage() {
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      StorageException e = assertThrows(StorageException.class, () -> LevelDbStateStore.open(dir));
      assertTrue(e.getMessage().contains("in use by another process"), e.getMessage());
    }
  }

  @Test
  void foreignDirectoryIsRefused() throws IOException {
    Files.writeString(dir.resolve("notes.txt"), "not a store");
    StorageException e = assertThrows(StorageException.class, () -> LevelDbStateStore.open(dir));
    assertTrue(e.getMessage().contains("not a state machine directory"), e.getMessage());
    assertTrue(Files.exists(dir.resolve("notes.txt")));
  }

  @Test
  void currentNamingAMissingDatabaseIsCorruption() throws IOException {
    LevelDbStateStore.open(dir).close();
    Files.writeString(dir.resolve("CURRENT"), "db-000009\n");
    StorageException e = assertThrows(StorageException.class, () -> LevelDbStateStore.open(dir));
    assertTrue(e.getMessage().contains("is corrupt"), e.getMessage());
  }

  @Test
  void closingTwiceAndClosingASnapshotTwiceAreHarmless() throws IOException {
    LevelDbStateStore store = LevelDbStateStore.open(dir);
    store.write(batch -> batch.put(bytes("k"), bytes("v")), new SnapshotMeta(1, 1));
    SnapshotSource copy = store.openSnapshot();
    store.close();
    store.close();
    assertTrue(copy.data().readAllBytes().length > 0, "an open snapshot keeps the database readable");
    copy.close();
    copy.close();
  }

  @Test
  void applyingAnIndexAgainIsRefused() {
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      store.write(batch -> batch.put(bytes("k"), bytes("1")), new SnapshotMeta(5, 1));
      assertThrows(IllegalStateException.class,
          () -> store.write(batch -> batch.put(bytes("k"), bytes("2")), new SnapshotMeta(5, 1)));
      assertArrayEquals(bytes("1"), store.get(bytes("k")));
    }
  }

  @Test
  void aStoreWhoseCreationCrashedBeforeCurrentWasWrittenOpens() throws IOException {
    Files.createDirectories(dir.resolve("db-000001"));
    Files.writeString(dir.resolve("CURRENT.tmp"), "db-0000");
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      assertEquals(SnapshotMeta.EMPTY, store.applied());
    }
    assertEquals("db-000001", Files.readString(dir.resolve("CURRENT")).trim());
  }

  private static List<String> databases(Path root) throws IOException {
    try (Stream<Path> entries = Files.list(root)) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("db-")).sorted().toList();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
