package io.eraft.kvraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.eraft.proto.kvraftpb.CommandRequest;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.proto.kvraftpb.Op;
import io.eraft.raft.SnapshotSource;
import io.eraft.raft.core.Entry;
import io.eraft.raft.core.SnapshotMeta;
import io.eraft.raft.storage.LevelDbStateStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvStateMachineTest {
  @TempDir Path dir;
  private long index;

  private Entry entry(Op op, String key, String value, long clientId, long commandId) {
    CommandRequest request = CommandRequest.newBuilder().setOp(op).setKey(key).setValue(value)
        .setClientId(clientId).setCommandId(commandId).build();
    return new Entry(++index, 1, request.toByteString());
  }

  @Test
  void putAppendGetFollowErafts() {
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      KvStateMachine machine = new KvStateMachine(store);
      List<CommandResponse> replies = machine.apply(List.of(
          entry(Op.APPEND, "a", "x", 1, 0), // an absent key counts as ""
          entry(Op.APPEND, "a", "y", 1, 1), // sees the earlier entry of the same batch
          entry(Op.PUT, "b", "1", 1, 2),
          Entry.noop(++index, 1),
          entry(Op.GET, "a", "", 1, 3),
          entry(Op.GET, "missing", "", 1, 4)));
      assertEquals(List.of("OK", "OK", "OK"), replies.subList(0, 3).stream().map(CommandResponse::getErr).toList());
      assertNull(replies.get(3));
      assertEquals("xy", replies.get(4).getValue());
      assertEquals("ErrNoKey", replies.get(5).getErr());
      assertEquals("xy", machine.read("a"));
      assertEquals(new SnapshotMeta(index, 1), store.applied());
    }
  }

  @Test
  void aRetriedCommandAppliesOnce() {
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      KvStateMachine machine = new KvStateMachine(store);
      machine.apply(List.of(entry(Op.APPEND, "k", "1", 7, 0), entry(Op.APPEND, "k", "1", 7, 0)));
      machine.apply(List.of(entry(Op.APPEND, "k", "1", 7, 0), entry(Op.APPEND, "k", "2", 7, 1)));
      machine.apply(List.of(entry(Op.APPEND, "k", "late", 7, 0)));
      assertEquals("12", machine.read("k"));
      assertEquals("OK", machine.duplicateReply(7, 1).getErr());
      assertNull(machine.duplicateReply(7, 2));
      assertNull(machine.duplicateReply(8, 0));
    }
  }

  /** eRaft replays the whole log onto LevelDB at restart and doubles appends (ERAFT-SPEC §9.1 item 1). */
  @Test
  void restartResumesAfterTheAppliedIndexWithTheDuplicateTable() {
    List<Entry> log = new ArrayList<>();
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      KvStateMachine machine = new KvStateMachine(store);
      for (int i = 0; i < 5; i++) {
        Entry e = entry(Op.APPEND, "k", "v" + i, 3, i);
        log.add(e);
        machine.apply(List.of(e));
      }
    }
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      KvStateMachine machine = new KvStateMachine(store);
      assertEquals(5, machine.applied().index(), "the node replays only entries after this");
      assertEquals("v0v1v2v3v4", machine.read("k"));
      machine.apply(List.of(new Entry(++index, 1, log.get(4).data()))); // a client retry committed again
      assertEquals("v0v1v2v3v4", machine.read("k"));
    }
  }

  @Test
  void snapshotCarriesDataAndDuplicateTableAndInstallReplacesBoth() throws IOException {
    byte[] snapshot;
    SnapshotMeta meta;
    try (LevelDbStateStore store = LevelDbStateStore.open(dir.resolve("leader"))) {
      KvStateMachine leader = new KvStateMachine(store);
      leader.apply(List.of(entry(Op.PUT, "x", "1", 1, 0), entry(Op.APPEND, "y", "2", 2, 5)));
      try (SnapshotSource source = leader.openSnapshot()) {
        meta = source.meta();
        snapshot = source.data().readAllBytes();
      }
    }
    try (LevelDbStateStore store = LevelDbStateStore.open(dir.resolve("follower"))) {
      KvStateMachine follower = new KvStateMachine(store);
      follower.apply(List.of(new Entry(1, 1, CommandRequest.newBuilder().setOp(Op.PUT).setKey("old").setValue("z")
          .setClientId(9).setCommandId(0).build().toByteString())));
      follower.installSnapshot(meta, new ByteArrayInputStream(snapshot));
      assertEquals("1", follower.read("x"));
      assertEquals("2", follower.read("y"));
      assertNull(follower.read("old"));
      assertEquals("OK", follower.duplicateReply(2, 5).getErr());
      assertNull(follower.duplicateReply(9, 0), "the duplicate table is the snapshot's");
      assertEquals(meta, follower.applied());
    }
  }

  @Test
  void valuesAreUtf8() {
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      KvStateMachine machine = new KvStateMachine(store);
      char[] big = new char[10_000];
      Arrays.fill(big, 'é');
      machine.apply(List.of(entry(Op.PUT, "ключ", new String(big), 1, 0)));
      assertEquals(new String(big), machine.read("ключ"));
    }
  }
}
