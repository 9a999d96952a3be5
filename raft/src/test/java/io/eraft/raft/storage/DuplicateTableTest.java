package io.eraft.raft.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.raft.core.SnapshotMeta;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.iq80.leveldb.WriteBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuplicateTableTest {
  private static final CommandResponse OK = CommandResponse.newBuilder().setErr("OK").build();
  private static final CommandResponse OK_9 = CommandResponse.newBuilder().setErr("OK").setValue("9").build();

  @TempDir Path dir;
  private LevelDbStateStore store;
  private LevelDbStateStore other;
  private long applied;

  @AfterEach
  void close() {
    for (LevelDbStateStore s : new LevelDbStateStore[] {store, other}) {
      if (s != null) {
        s.close();
      }
    }
  }

  @Test
  void aOneScopeTableAnswersRetriesAndSurvivesAReopen() {
    store = LevelDbStateStore.open(dir.resolve("one"));
    DuplicateTable<CommandResponse> table = new DuplicateTable<>(CommandResponse.parser());
    write(store, table, (batch, writes) -> batch.record(writes, 1, 5, OK));
    assertEquals(OK, table.replyTo(1, 5));
    assertEquals(OK, table.replyTo(1, 4), "an older command of the client was applied too");
    assertNull(table.replyTo(1, 6));

    store.close();
    store = LevelDbStateStore.open(dir.resolve("one"));
    DuplicateTable<CommandResponse> reloaded = new DuplicateTable<>(CommandResponse.parser());
    reloaded.reload(store);
    assertEquals(OK, reloaded.replyTo(1, 5));
    assertThrows(IllegalStateException.class, () -> reloaded.export(0), "one scope: nothing to move");
  }

  @Test
  void aScopesRecordsMoveWithItAndLeaveWhenItIsDropped() {
    store = LevelDbStateStore.open(dir.resolve("old-owner"));
    DuplicateTable<CommandResponse> oldOwner = DuplicateTable.perScope(CommandResponse.parser());
    write(store, oldOwner, (batch, writes) -> {
      batch.record(writes, 3, 1, 5, OK);
      batch.record(writes, 3, 2, 1, OK);
      batch.record(writes, 4, 1, 9, OK_9);
    });
    assertThrows(IllegalStateException.class, () -> oldOwner.replyTo(1, 5), "a record needs its scope");
    Map<Long, DuplicateTable.Applied<CommandResponse>> shard3 = oldOwner.export(3);
    assertEquals(Map.of(1L, new DuplicateTable.Applied<>(5, OK), 2L, new DuplicateTable.Applied<>(1, OK)), shard3);

    other = LevelDbStateStore.open(dir.resolve("new-owner"));
    DuplicateTable<CommandResponse> newOwner = DuplicateTable.perScope(CommandResponse.parser());
    write(other, newOwner, (batch, writes) -> batch.record(writes, 3, 1, 7, OK_9));
    write(other, newOwner, (batch, writes) -> batch.merge(writes, 3, shard3));
    assertEquals(OK_9, newOwner.replyTo(3, 1, 7), "the newer command applied here wins");
    assertEquals(OK, newOwner.replyTo(3, 2, 1));
    assertNull(newOwner.replyTo(4, 1, 9), "only the shard that moved came along");

    write(store, oldOwner, (batch, writes) -> {
      batch.drop(writes, 3);
      assertNull(batch.replyTo(3, 1, 5), "the batch sees its own drop");
    });
    assertNull(oldOwner.replyTo(3, 1, 5));
    assertEquals(OK_9, oldOwner.replyTo(4, 1, 9));
    DuplicateTable<CommandResponse> reloaded = DuplicateTable.perScope(CommandResponse.parser());
    reloaded.reload(store);
    assertEquals(Map.of(), reloaded.export(3), "the drop reached the store");
    assertEquals(Map.of(1L, new DuplicateTable.Applied<>(9, OK_9)), reloaded.export(4));
  }

  private interface Fill {
    void fill(DuplicateTable<CommandResponse>.Batch batch, WriteBatch writes);
  }

  private void write(LevelDbStateStore target, DuplicateTable<CommandResponse> table, Fill fill) {
    DuplicateTable<CommandResponse>.Batch batch = table.newBatch();
    Consumer<WriteBatch> writes = w -> fill.fill(batch, w);
    applied++;
    target.write(writes, new SnapshotMeta(applied, 1));
    table.remember(batch);
  }
}
