package io.eraft.shardctrler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.proto.shardctrlerpb.CommandRequest;
import io.eraft.proto.shardctrlerpb.CommandResponse;
import io.eraft.proto.shardctrlerpb.Op;
import io.eraft.proto.shardctrlerpb.Servers;
import io.eraft.raft.SnapshotSource;
import io.eraft.raft.core.Entry;
import io.eraft.raft.core.SnapshotMeta;
import io.eraft.raft.storage.LevelDbStateStore;
import io.eraft.raft.storage.StorageException;
import io.eraft.shardctrler.config.ShardConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigStateMachineTest {
  @TempDir Path dir;
  private long index;
  private long commandId;

  private Entry entry(CommandRequest.Builder request) {
    return new Entry(++index, 1, request.setClientId(1).setCommandId(commandId++).build().toByteString());
  }

  private static CommandRequest.Builder join(int gid) {
    return CommandRequest.newBuilder().setOp(Op.JOIN)
        .putServers(gid, Servers.newBuilder().addServers("g" + gid + ":1").build());
  }

  private static CommandRequest.Builder leave(int gid) {
    return CommandRequest.newBuilder().setOp(Op.LEAVE).addGids(gid);
  }

  private static CommandRequest.Builder move(int shard, int gid) {
    return CommandRequest.newBuilder().setOp(Op.MOVE).setShard(shard).setGid(gid);
  }

  private static byte[] configKey(long num) {
    return ByteBuffer.allocate(9).put((byte) 'g').putLong(num).array();
  }

  @Test
  void anUnreadableConfigRecordRefusesToStartNamingTheStore() {
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      new ConfigStateMachine(store).apply(List.of(entry(join(1)), entry(join(2))));
      store.write(batch -> batch.put(configKey(2), new byte[] {(byte) 0xff, 1, 2}), new SnapshotMeta(++index, 1));
    }
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      StorageException e = assertThrows(StorageException.class, () -> new ConfigStateMachine(store));
      assertTrue(e.getMessage().startsWith("state machine in " + dir + " is corrupt: a config record is unreadable;"),
          e.getMessage());
    }
  }

  @Test
  void anUnreadableDuplicateTableRecordRefusesToStart() {
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      new ConfigStateMachine(store).apply(List.of(entry(join(1))));
      byte[] clientKey = ByteBuffer.allocate(9).put((byte) 'c').putLong(1).array();
      store.write(batch -> batch.put(clientKey, new byte[] {1, 2}), new SnapshotMeta(++index, 1));
    }
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      StorageException e = assertThrows(StorageException.class, () -> new ConfigStateMachine(store));
      assertTrue(e.getMessage().contains("is corrupt: the duplicate-table record of client 1 is unreadable;"),
          e.getMessage());
    }
  }

  @Test
  void aMissingConfigBelowTheLatestIsCorruptionNotConfigZero() {
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      ConfigStateMachine machine = new ConfigStateMachine(store);
      machine.apply(List.of(entry(join(1)), entry(join(2)), entry(join(3))));
      store.write(batch -> batch.delete(configKey(2)), new SnapshotMeta(++index, 1));
      StorageException e = assertThrows(StorageException.class, () -> machine.config(2));
      assertTrue(e.getMessage().contains("config 2 is missing although config 3 exists"), e.getMessage());
      assertEquals(1, machine.config(1).num());
    }
  }

  @Test
  void configsAreNumberedAndQueryable() {
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      ConfigStateMachine machine = new ConfigStateMachine(store);
      List<CommandResponse> replies = machine.apply(List.of(entry(join(1)), entry(join(2)), entry(move(0, 1))));
      replies.forEach(r -> assertEquals("OK", r.getErr()));
      assertEquals(10, replies.get(0).getConfig().getShardsCount(), "eRaft's empty config in the reply");
      assertEquals(3, machine.latest().num());
      assertEquals(List.of(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), machine.config(1).shards());
      assertEquals(List.of(2, 2, 2, 2, 2, 1, 1, 1, 1, 1), machine.config(2).shards());
      assertEquals(machine.latest(), machine.config(-1));
      assertEquals(machine.latest(), machine.config(99));
      assertEquals(ShardConfig.INITIAL, machine.config(0));
    }
  }

  /** eRaft re-executes every command at restart and renumbers configs (ERAFT-SPEC §9.1 item 1). */
  @Test
  void aRestartedReplicaKeepsItsNumbering() {
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      new ConfigStateMachine(store).apply(List.of(entry(join(1)), entry(join(2))));
    }
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      ConfigStateMachine machine = new ConfigStateMachine(store);
      assertEquals(2, machine.latest().num());
      assertEquals(2, machine.applied().index());
      assertEquals("OK", machine.duplicateReply(1, 1).getErr());
    }
  }

  @Test
  void invalidCommandsChangeNothingAndSayWhy() {
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      ConfigStateMachine machine = new ConfigStateMachine(store);
      machine.apply(List.of(entry(join(1))));
      List<CommandResponse> replies = machine.apply(List.of(
          entry(move(10, 1)), entry(move(0, 7)), entry(join(1)), entry(leave(5)), entry(join(0)),
          entry(CommandRequest.newBuilder().setOp(Op.JOIN))));
      assertEquals(List.of("shard 10 is out of range [0, 9]", "gid 7 is not a group of config 1",
          "gid 1 has already joined (config 1)", "gid 5 is not a group of config 1", "gid 0 is not positive",
          "join names no groups"), replies.stream().map(CommandResponse::getDetail).toList());
      replies.forEach(r -> assertEquals("ErrBadRequest", r.getErr()));
      assertEquals(1, machine.latest().num());
    }
  }

  @Test
  void aRetriedCommandAppliesOnce() {
    try (LevelDbStateStore store = LevelDbStateStore.open(dir)) {
      ConfigStateMachine machine = new ConfigStateMachine(store);
      CommandRequest request = join(1).setClientId(9).setCommandId(4).build();
      Entry first = new Entry(++index, 1, request.toByteString());
      Entry retry = new Entry(++index, 1, request.toByteString());
      machine.apply(List.of(first, retry));
      assertEquals(1, machine.latest().num(), "the retry did not make config 2");
      assertEquals("OK", machine.duplicateReply(9, 4).getErr());
      assertNull(machine.duplicateReply(9, 5));
    }
  }

  @Test
  void aSnapshotCarriesTheHistory() throws IOException {
    byte[] snapshot;
    SnapshotMeta meta;
    try (LevelDbStateStore store = LevelDbStateStore.open(dir.resolve("leader"))) {
      ConfigStateMachine leader = new ConfigStateMachine(store);
      leader.apply(List.of(entry(join(1)), entry(join(2)), entry(leave(1))));
      try (SnapshotSource source = leader.openSnapshot()) {
        meta = source.meta();
        snapshot = source.data().readAllBytes();
      }
    }
    try (LevelDbStateStore store = LevelDbStateStore.open(dir.resolve("follower"))) {
      ConfigStateMachine follower = new ConfigStateMachine(store);
      follower.installSnapshot(meta, new ByteArrayInputStream(snapshot));
      assertEquals(3, follower.latest().num());
      assertEquals(List.of(2, 2, 2, 2, 2, 1, 1, 1, 1, 1), follower.config(2).shards());
      assertTrue(follower.latest().shards().stream().allMatch(gid -> gid == 2));
    }
  }
}
