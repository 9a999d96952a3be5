package io.eraft.raft.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.eraft.raft.core.Entry;
import io.eraft.raft.core.HardState;
import io.eraft.raft.core.RaftLogReader;
import io.eraft.raft.core.SnapshotMeta;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link LogStore} shares (LogStore and RaftLogReader Javadoc), run once per
 * implementation by a subclass.
 */
abstract class LogStoreContractTest {
  private static final long NO_LIMIT = Long.MAX_VALUE;

  @TempDir Path dir;
  LogStore store;

  /** A fresh, empty store keeping its files (if any) under {@code dir}. */
  abstract LogStore newStore(Path dir);

  @BeforeEach
  void openStore() {
    store = newStore(dir);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  static Entry entry(long index, long term) {
    return new Entry(index, term, ByteString.copyFromUtf8("cmd-" + index + "@" + term));
  }

  /** Entries {@code from..through}, all in {@code term}. */
  static List<Entry> entries(long from, long through, long term) {
    List<Entry> out = new ArrayList<>();
    for (long i = from; i <= through; i++) {
      out.add(entry(i, term));
    }
    return out;
  }

  void append(List<Entry> entries) {
    store.save(HardState.EMPTY, SnapshotMeta.EMPTY, entries, true);
  }

  List<Entry> all() {
    return store.entries(store.firstIndex(), store.lastIndex() + 1, NO_LIMIT);
  }

  @Test
  void freshStoreIsEmpty() {
    assertEquals(1, store.firstIndex());
    assertEquals(0, store.lastIndex());
    assertEquals(SnapshotMeta.EMPTY, store.snapshotMeta());
    assertEquals(HardState.EMPTY, store.hardState());
    assertEquals(0, store.term(0));
    assertEquals(RaftLogReader.UNKNOWN_TERM, store.term(1));
    assertEquals(List.of(), store.entries(1, 1, NO_LIMIT));
    assertEquals(0, store.entryBytes());
  }

  @Test
  void appendedEntriesReadBack() {
    append(entries(1, 3, 1));
    append(entries(4, 5, 2));

    assertEquals(1, store.firstIndex());
    assertEquals(5, store.lastIndex());
    assertEquals(List.of(entry(1, 1), entry(2, 1), entry(3, 1), entry(4, 2), entry(5, 2)), all());
    assertEquals(List.of(entry(2, 1), entry(3, 1)), store.entries(2, 4, NO_LIMIT));
    assertEquals(List.of(), store.entries(3, 3, NO_LIMIT));
  }

  @Test
  void entriesStopAtByteCapButReturnAtLeastOne() {
    append(entries(1, 5, 1));
    long one = entry(1, 1).sizeBytes();

    assertEquals(1, store.entries(1, 6, 0).size(), "at least one entry, even over the cap");
    assertEquals(1, store.entries(1, 6, one).size());
    assertEquals(1, store.entries(1, 6, 2 * one - 1).size());
    assertEquals(2, store.entries(1, 6, 2 * one).size());
    assertEquals(List.of(entry(3, 1), entry(4, 1), entry(5, 1)), store.entries(3, 6, 3 * one));
  }

  @Test
  void entriesOutsideTheLogAreRejected() {
    append(entries(1, 3, 1));

    assertThrows(IllegalArgumentException.class, () -> store.entries(0, 2, NO_LIMIT));
    assertThrows(IllegalArgumentException.class, () -> store.entries(2, 5, NO_LIMIT));
    assertThrows(IllegalArgumentException.class, () -> store.entries(3, 2, NO_LIMIT));
  }

  @Test
  void saveReplacesTheSuffixFromItsFirstEntry() {
    append(entries(1, 5, 1));

    append(entries(3, 3, 2));

    assertEquals(3, store.lastIndex());
    assertEquals(List.of(entry(1, 1), entry(2, 1), entry(3, 2)), all());
    assertEquals(RaftLogReader.UNKNOWN_TERM, store.term(4));

    append(entries(4, 6, 2));
    assertEquals(6, store.lastIndex());
    assertEquals(entry(4, 2), store.entries(4, 5, NO_LIMIT).get(0));
  }

  @Test
  void saveRejectsWritesThatBreakTheLogAndChangesNothing() {
    append(entries(1, 3, 2));
    store.save(new HardState(2, 1, 3), SnapshotMeta.EMPTY, List.of(), true);
    long bytes = store.entryBytes();

    List<Runnable> badWrites = List.of(
        () -> append(entries(5, 6, 2)), // gap after index 3
        () -> append(List.of(entry(4, 2), entry(6, 2))), // gap inside the batch
        () -> append(entries(4, 4, 1)), // term goes down
        () -> store.save(new HardState(2, 1, 9), SnapshotMeta.EMPTY, List.of(), true),
        () -> store.save(HardState.EMPTY, new SnapshotMeta(5, 2), entries(7, 7, 2), true));
    for (int i = 0; i < badWrites.size(); i++) {
      assertThrows(IllegalArgumentException.class, badWrites.get(i)::run, "bad write #" + i);
    }

    assertEquals(entries(1, 3, 2), all());
    assertEquals(new HardState(2, 1, 3), store.hardState());
    assertEquals(SnapshotMeta.EMPTY, store.snapshotMeta());
    assertEquals(bytes, store.entryBytes());
  }

  @Test
  void entriesAtOrBelowTheSnapshotAreRejected() {
    store.save(HardState.EMPTY, new SnapshotMeta(5, 2), List.of(), true);

    assertThrows(IllegalArgumentException.class, () -> append(entries(5, 6, 2)));
    assertThrows(IllegalArgumentException.class,
        () -> store.save(HardState.EMPTY, new SnapshotMeta(4, 2), List.of(), true));
  }

  @Test
  void hardStateRoundTripsAndEmptyKeepsTheLastOne() {
    append(entries(1, 2, 1));
    HardState hs = new HardState(3, 2, 2);

    store.save(hs, SnapshotMeta.EMPTY, List.of(), true);
    assertEquals(hs, store.hardState());

    store.save(HardState.EMPTY, SnapshotMeta.EMPTY, entries(3, 3, 3), false);
    assertEquals(hs, store.hardState());
  }

  @Test
  void snapshotDropsEveryEntryAndTheLogRestartsAfterIt() {
    append(entries(1, 10, 1));
    SnapshotMeta snap = new SnapshotMeta(7, 3);

    store.save(new HardState(3, 1, 7), snap, List.of(), true);

    assertEquals(snap, store.snapshotMeta());
    assertEquals(8, store.firstIndex());
    assertEquals(7, store.lastIndex());
    assertEquals(3, store.term(7));
    assertEquals(List.of(), all());
    assertEquals(0, store.entryBytes());

    store.save(HardState.EMPTY, new SnapshotMeta(12, 4), entries(13, 14, 4), true);
    assertEquals(13, store.firstIndex());
    assertEquals(entries(13, 14, 4), all());
  }

  @Test
  void compactDropsThePrefixAndRecordsItsTerm() {
    append(entries(1, 3, 1));
    append(entries(4, 6, 2));

    store.compact(4);

    assertEquals(new SnapshotMeta(4, 2), store.snapshotMeta());
    assertEquals(5, store.firstIndex());
    assertEquals(6, store.lastIndex());
    assertEquals(entries(5, 6, 2), all());
    store.compact(4); // already compacted: nothing happens
    store.compact(2);
    assertEquals(new SnapshotMeta(4, 2), store.snapshotMeta());
    assertEquals(entries(5, 6, 2), all());
    assertThrows(IllegalArgumentException.class, () -> store.compact(7));

    store.compact(6);
    assertEquals(List.of(), all());
    assertEquals(2, store.term(6));
  }

  @Test
  void termIsKnownFromTheSnapshotPointToTheLastIndex() {
    append(entries(1, 4, 1));
    append(entries(5, 6, 2));
    store.compact(3);

    assertEquals(RaftLogReader.UNKNOWN_TERM, store.term(2));
    assertEquals(1, store.term(3));
    assertEquals(1, store.term(4));
    assertEquals(2, store.term(6));
    assertEquals(RaftLogReader.UNKNOWN_TERM, store.term(7));
  }

  @Test
  void entryBytesCountsTheHeldEntries() {
    append(entries(1, 4, 1));
    assertEquals(sizeOf(entries(1, 4, 1)), store.entryBytes());

    append(entries(3, 3, 2));
    assertEquals(sizeOf(all()), store.entryBytes());

    store.compact(2);
    assertEquals(entry(3, 2).sizeBytes(), store.entryBytes());
  }

  static long sizeOf(List<Entry> entries) {
    return entries.stream().mapToLong(Entry::sizeBytes).sum();
  }
}
