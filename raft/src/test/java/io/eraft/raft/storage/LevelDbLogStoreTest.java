package io.eraft.raft.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.eraft.raft.core.Entry;
import io.eraft.raft.core.HardState;
import io.eraft.raft.core.SnapshotMeta;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.Options;
import org.junit.jupiter.api.Test;

/** The {@link LogStore} contract on LevelDB, plus reopening, damaged directories and locking. */
class LevelDbLogStoreTest extends LogStoreContractTest {
  @Override
  LogStore newStore(Path dir) {
    return LevelDbLogStore.open(dir);
  }

  private void reopen() {
    store.close();
    store = LevelDbLogStore.open(dir);
  }

  @Test
  void reopenRestoresEntriesHardStateAndSnapshot() {
    store.save(HardState.EMPTY, new SnapshotMeta(4, 2), entries(5, 7, 2), true);
    append(entries(8, 9, 3));
    store.save(new HardState(3, 2, 8), SnapshotMeta.EMPTY, entries(9, 9, 4), false);
    List<Entry> before = all();

    reopen();

    assertEquals(new SnapshotMeta(4, 2), store.snapshotMeta());
    assertEquals(new HardState(3, 2, 8), store.hardState());
    assertEquals(before, all());
    assertEquals(5, store.firstIndex());
    assertEquals(9, store.lastIndex());
    assertEquals(sizeOf(before), store.entryBytes());
  }

  @Test
  void recoveringFlagAndClusterIdSurviveReopenAndOlderHardStatesStillRead() {
    store.save(new HardState(5, HardState.NO_VOTE, 0, true, 0x5eed), SnapshotMeta.EMPTY, List.of(), true);
    reopen();
    assertEquals(new HardState(5, HardState.NO_VOTE, 0, true, 0x5eed), store.hardState());

    // Written before the recovering flag existed: term, vote and commit only.
    byte[] beforeFlag = java.nio.ByteBuffer.allocate(24).putLong(4).putLong(1).putLong(0).array();
    assertEquals(new HardState(4, 1, 0), LevelDbCodec.decodeHardState(beforeFlag));
    // Written before the cluster id existed: the flag, then nothing.
    byte[] beforeClusterId = java.nio.ByteBuffer.allocate(25).putLong(4).putLong(1).putLong(0).put((byte) 1).array();
    assertEquals(new HardState(4, 1, 0, true, HardState.NO_CLUSTER), LevelDbCodec.decodeHardState(beforeClusterId));
    assertThrows(IllegalArgumentException.class, () -> LevelDbCodec.decodeHardState(new byte[20]));
  }

  @Test
  void reopenAfterCompactKeepsOnlyTheSuffix() {
    append(entries(1, 6, 1));
    store.compact(4);

    reopen();

    assertEquals(new SnapshotMeta(4, 1), store.snapshotMeta());
    assertEquals(entries(5, 6, 1), all());
  }

  @Test
  void reopenAfterTruncationDoesNotResurrectTheOldSuffix() {
    append(entries(1, 6, 1));
    append(entries(3, 3, 2));

    reopen();

    assertEquals(List.of(entry(1, 1), entry(2, 1), entry(3, 2)), all());
  }

  @Test
  void garbageCurrentFileIsReportedAsCorruption() throws IOException {
    append(entries(1, 3, 1));
    store.close();
    Files.writeString(dir.resolve("CURRENT"), "garbage", StandardCharsets.US_ASCII);

    StorageException e = assertThrows(StorageException.class, () -> LevelDbLogStore.open(dir));

    assertMessageNames(e, dir.toString(), "corrupt", "start the node again with an empty one");
  }

  @Test
  void garbageWriteAheadLogIsReportedAsCorruption() throws IOException {
    append(entries(1, 3, 1));
    store.close();
    byte[] junk = new byte[4096];
    Arrays.fill(junk, (byte) 0x5a);
    Files.write(newestWriteAheadLog(), junk);

    StorageException e = assertThrows(StorageException.class, () -> LevelDbLogStore.open(dir));

    assertMessageNames(e, dir.toString(), "corrupt");
  }

  @Test
  void writeTornByACrashIsCutOffAndTheLogOpens() throws IOException {
    append(entries(1, 5, 1));
    store.close();
    Path wal = newestWriteAheadLog();
    byte[] tornRecord = new byte[7 + 40];
    Arrays.fill(tornRecord, (byte) 0x5a);
    tornRecord[4] = (byte) 200; // declares 200 payload bytes, of which only 40 were copied
    tornRecord[5] = 0;
    tornRecord[6] = 1;
    Files.write(wal, tornRecord, StandardOpenOption.APPEND);
    Files.write(wal, new byte[4096], StandardOpenOption.APPEND);

    store = LevelDbLogStore.open(dir);

    assertEquals(entries(1, 5, 1), all());
  }

  @Test
  void aLargeWriteTornBetweenItsFragmentsIsCutOffAndTheLogOpens() throws IOException {
    append(entries(1, 5, 1));
    append(List.of(new Entry(6, 1, ByteString.copyFrom(new byte[100 << 10])))); // four 32 KiB fragments
    store.close();
    Path wal = newestWriteAheadLog();
    byte[] bytes = Files.readAllBytes(wal);
    int afterFirstFragment = endOfFirstFragment(bytes);
    Arrays.fill(bytes, afterFirstFragment, bytes.length, (byte) 0); // killed before the rest was copied
    Files.write(wal, bytes);

    store = LevelDbLogStore.open(dir);

    assertEquals(entries(1, 5, 1), all());
  }

  /** Where the first FIRST fragment of {@code wal} ends (LevelDB's log format: 32 KiB blocks, 7-byte headers). */
  private static int endOfFirstFragment(byte[] wal) {
    int pos = 0;
    while (true) {
      if (32768 - pos % 32768 < 7) {
        pos += 32768 - pos % 32768;
        continue;
      }
      int length = (wal[pos + 4] & 0xff) | (wal[pos + 5] & 0xff) << 8;
      pos += 7 + length;
      if (wal[pos - length - 1] == 2) { // FIRST
        return pos;
      }
    }
  }

  @Test
  void damageBeforeTheEndOfTheWriteAheadLogIsStillCorruption() throws IOException {
    append(entries(1, 3, 1));
    append(entries(4, 5, 1));
    store.close();
    Path wal = newestWriteAheadLog();
    byte[] bytes = Files.readAllBytes(wal);
    bytes[7 + 20] ^= 1;
    Files.write(wal, bytes);

    StorageException e = assertThrows(StorageException.class, () -> LevelDbLogStore.open(dir));

    assertMessageNames(e, dir.toString(), "is corrupt: checksum mismatch");
  }

  private Path newestWriteAheadLog() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".log")).max(Path::compareTo).orElseThrow();
    }
  }

  @Test
  void storedGapIsReportedAsCorruption() throws IOException {
    append(entries(1, 5, 1));
    store.close();
    withRawDb(db -> db.delete(LevelDbCodec.entryKey(3)));

    StorageException e = assertThrows(StorageException.class, () -> LevelDbLogStore.open(dir));

    assertMessageNames(e, dir.toString(), "is corrupt: entry 4 follows entry 2");
  }

  @Test
  void storedCommitBeyondTheLogIsReportedAsCorruption() throws IOException {
    append(entries(1, 5, 1));
    store.save(new HardState(1, 1, 5), SnapshotMeta.EMPTY, List.of(), true);
    store.close();
    withRawDb(db -> db.delete(LevelDbCodec.entryKey(5)));

    StorageException e = assertThrows(StorageException.class, () -> LevelDbLogStore.open(dir));

    assertMessageNames(e, dir.toString(), "commit index 5 is beyond the last index 4");
  }

  @Test
  void secondOpenOfTheSameDirectoryIsRefused() {
    StorageException e = assertThrows(StorageException.class, () -> LevelDbLogStore.open(dir));

    assertMessageNames(e, dir.toString(), "in use", "LOCK");
  }

  @Test
  void pathThatIsAFileIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");

    StorageException e = assertThrows(StorageException.class, () -> LevelDbLogStore.open(file));

    assertMessageNames(e, file.toString(), "is a file");
  }

  @Test
  void missingDirectoryIsCreatedEmpty() {
    Path nested = dir.resolve("a").resolve("b");
    try (LogStore fresh = LevelDbLogStore.open(nested)) {
      assertEquals(0, fresh.lastIndex());
      assertTrue(Files.isDirectory(nested));
    }
  }

  @Test
  void closeIsIdempotentAndWritesAfterItAreRefused() {
    store.close();
    store.close();

    assertThrows(IllegalStateException.class, () -> append(entries(1, 1, 1)));
  }

  @Test
  void sizeBytesCountsTheFilesOnDisk() {
    append(entries(1, 100, 1));

    assertTrue(store.sizeBytes() > 0);
  }

  private interface RawWrite {
    void apply(DB db) throws IOException;
  }

  private void withRawDb(RawWrite write) throws IOException {
    try (DB db = JniDBFactory.factory.open(dir.toFile(), new Options())) {
      write.apply(db);
    }
  }

  private static void assertMessageNames(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part),
          () -> "'" + part + "' missing from: " + e.getMessage());
    }
  }
}
