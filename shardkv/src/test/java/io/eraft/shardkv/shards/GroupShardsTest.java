package io.eraft.shardkv.shards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.shardctrler.config.ShardConfig;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class GroupShardsTest {
  private static final List<String> A = List.of("a0", "a1", "a2");
  private static final List<String> B = List.of("b0", "b1", "b2");

  /** Config {@code num} giving every shard to {@code gid} (0: none), with the groups given. */
  private static ShardConfig config(long num, int gid, Map<Integer, List<String>> groups) {
    return new ShardConfig(num, Collections.nCopies(ShardConfig.N_SHARDS, gid), new TreeMap<>(groups));
  }

  private static ShardConfig withShard(ShardConfig c, long num, int shard, int gid) {
    List<Integer> shards = new java.util.ArrayList<>(c.shards());
    shards.set(shard, gid);
    return new ShardConfig(num, shards, new TreeMap<>(c.groups()));
  }

  @Test
  void aShardFromNoGroupThatNoneEverHeldIsServedAtOnce() {
    GroupShards g = GroupShards.initial(1).withConfig(config(1, 1, Map.of(1, A)));
    for (int s = 0; s < ShardConfig.N_SHARDS; s++) {
      assertTrue(g.canServe(s));
      assertEquals(new Holder(1, A), g.holder(s));
    }
    assertTrue(g.readyForNextConfig());
  }

  @Test
  void theNewOwnerPullsFromThePreviousOneWhichFreezesItsCopy() {
    ShardConfig c1 = config(1, 1, Map.of(1, A));
    ShardConfig c2 = withShard(new ShardConfig(2, c1.shards(), new TreeMap<>(Map.of(1, A, 2, B))), 2, 3, 2);
    GroupShards newOwner = GroupShards.initial(2).withConfig(c1).withConfig(c2);
    GroupShards oldOwner = GroupShards.initial(1).withConfig(c1).withConfig(c2);

    assertEquals(ShardStatus.PULLING, newOwner.shard(3).status());
    assertEquals(new Holder(1, A), newOwner.shard(3).source());
    assertFalse(newOwner.canServe(3));
    assertFalse(newOwner.readyForNextConfig());
    assertEquals(Map.of(new Holder(1, A), List.of(3)), newOwner.bySource(ShardStatus.PULLING));

    assertEquals(ShardStatus.BE_PULLING, oldOwner.shard(3).status());
    assertFalse(oldOwner.canServe(3));
    assertTrue(oldOwner.holdsData(3));
    assertFalse(oldOwner.readyForNextConfig(), "a BePulling shard holds the old owner in its configuration");
    assertTrue(oldOwner.canServe(4));
  }

  @Test
  void piecesMustContinueExactlyWhereTheDataEnds() {
    ShardConfig c1 = config(1, 1, Map.of(1, A));
    ShardConfig c2 = withShard(new ShardConfig(2, c1.shards(), new TreeMap<>(Map.of(1, A, 2, B))), 2, 3, 2);
    GroupShards g = GroupShards.initial(2).withConfig(c1).withConfig(c2);

    assertFalse(g.takesPiece(1, 3, false, ""), "stale configuration");
    assertFalse(g.takesPiece(2, 3, true, "k"), "resumes a pull that never started");
    assertTrue(g.takesPiece(2, 3, false, ""));
    g = g.withPiece(3, "k5", false);
    assertFalse(g.takesPiece(2, 3, false, ""), "a repeated first page");
    assertFalse(g.takesPiece(2, 3, true, "k4"));
    assertTrue(g.takesPiece(2, 3, true, "k5"));
    g = g.withPiece(3, "k9", true);
    assertEquals(ShardStatus.GCING, g.shard(3).status());
    assertTrue(g.canServe(3), "served as soon as its data is here");
    assertFalse(g.readyForNextConfig(), "until its old copy is deleted");

    assertNull(g.withCollected(1, 3), "a deletion of another configuration");
    g = g.withCollected(2, 3);
    assertEquals(ShardStatus.SERVING, g.shard(3).status());
    assertTrue(g.readyForNextConfig());
    assertNull(g.withCollected(2, 3), "a repeated deletion");
  }

  @Test
  void aShardGivenToNoGroupParksWithItsLastOwnerAndIsPulledFromThereLater() {
    ShardConfig c1 = config(1, 1, Map.of(1, A));
    ShardConfig c2 = config(2, 0, Map.of()); // every group left
    ShardConfig c3 = config(3, 2, Map.of(2, B)); // a new group joins alone
    GroupShards oldOwner = GroupShards.initial(1).withConfig(c1).withConfig(c2);
    assertEquals(ShardStatus.PARKED, oldOwner.shard(0).status());
    assertTrue(oldOwner.holdsData(0));
    assertTrue(oldOwner.readyForNextConfig(), "parked shards hold nothing back");
    assertEquals(new Holder(1, A), oldOwner.holder(0), "the holder outlives the group's membership");

    GroupShards newOwner = GroupShards.initial(2).withConfig(c1).withConfig(c2).withConfig(c3);
    assertEquals(ShardStatus.PULLING, newOwner.shard(0).status());
    assertEquals(new Holder(1, A), newOwner.shard(0).source(), "pulled from the holder, not from gid 0");

    oldOwner = oldOwner.withConfig(c3);
    assertEquals(ShardStatus.BE_PULLING, oldOwner.shard(0).status());
  }

  @Test
  void aParkedShardThatComesBackToItsHolderIsServedWithItsData() {
    ShardConfig c1 = config(1, 1, Map.of(1, A));
    GroupShards g = GroupShards.initial(1).withConfig(c1).withConfig(config(2, 0, Map.of()))
        .withConfig(config(3, 1, Map.of(1, A)));
    for (int s = 0; s < ShardConfig.N_SHARDS; s++) {
      assertEquals(ShardStatus.SERVING, g.shard(s).status());
      assertTrue(g.canServe(s));
    }
  }

  @Test
  void configurationsAreTakenOneAtATimeAndOnlyWhenNothingMoves() {
    ShardConfig c1 = config(1, 1, Map.of(1, A));
    GroupShards g = GroupShards.initial(1);
    assertThrows(IllegalStateException.class, () -> g.withConfig(config(2, 1, Map.of(1, A))));
    ShardConfig c2 = withShard(new ShardConfig(2, c1.shards(), new TreeMap<>(Map.of(1, A, 2, B))), 2, 3, 2);
    GroupShards moving = g.withConfig(c1).withConfig(c2);
    assertThrows(IllegalStateException.class, () -> moving.withConfig(new ShardConfig(3, c2.shards(),
        new TreeMap<>(c2.groups()))));
  }

  @Test
  void theRecordRoundTrips() {
    ShardConfig c1 = config(1, 1, Map.of(1, A));
    ShardConfig c2 = withShard(new ShardConfig(2, c1.shards(), new TreeMap<>(Map.of(1, A, 2, B))), 2, 3, 2);
    GroupShards g = GroupShards.initial(2).withConfig(c1).withConfig(c2).withPiece(3, "k", false);
    GroupShards back = GroupShardsCodec.fromRecord(2, GroupShardsCodec.toRecord(g));
    assertEquals(g.toString(), back.toString());
    assertEquals(g.shard(3), back.shard(3));
    assertEquals(g.holder(3), back.holder(3));
    assertEquals(g.config(), back.config());
  }
}
