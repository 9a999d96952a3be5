package io.eraft.raft.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@link LogStore} contract on the in-memory twin. */
class MemoryLogStoreTest extends LogStoreContractTest {
  @Override
  LogStore newStore(Path dir) {
    return new MemoryLogStore();
  }

  @Test
  void sizeBytesIsTheEntryBytes() {
    append(entries(1, 3, 1));
    store.compact(1);

    assertEquals(store.entryBytes(), store.sizeBytes());
  }
}
