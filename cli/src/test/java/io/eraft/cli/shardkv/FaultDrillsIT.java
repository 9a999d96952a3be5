package io.eraft.cli.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.cli.Binaries;
import io.eraft.cli.ops.Scrape;
import io.eraft.proto.shardkvpb.CommandRequest;
import io.eraft.proto.shardkvpb.CommandResponse;
import io.eraft.proto.shardkvpb.Op;
import io.eraft.raft.rpc.ReplicaStatus;
import io.eraft.shardkv.Shards;
import io.eraft.shardkv.ShardKvError;
import io.eraft.shardkv.client.GrpcShardKvNetwork;
import io.eraft.shardkv.client.ShardKvClerk;
import io.eraft.shardkv.client.ShardKvClient;
import io.eraft.shardkv.client.ShardKvEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault drills on eRaft's README topology as real processes (three controllers, groups 100 and
 * 101 of three servers each), under a write load whose every acknowledged write is read back at
 * the end ({@link WriteLoad}): a group leader frozen with SIGSTOP past the election timeout, then
 * thawed (it steps down, and reads sent to it never return the value it held before); the
 * controllers' leader killed (-9) while a shard moves; a third group joined under load and left
 * again (its copies collected); a group leader killed (-9) under load. Waits are liveness guards.
 */
class FaultDrillsIT {
  private static final String SERVER_JVM = "-XX:+UseSerialGC -Xmx128m -XX:TieredStopAtLevel=1";
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(2);

  @TempDir Path dir;
  private Binaries binaries;
  private ShardedProcesses system;

  @BeforeEach
  void setUp() throws Exception {
    binaries = new Binaries(Files.createDirectories(dir.resolve("logs")));
    system = new ShardedProcesses(binaries, dir, SERVER_JVM);
  }

  @AfterEach
  void stopEveryServer() throws InterruptedException {
    binaries.close();
  }

  @Test
  void noAcknowledgedWriteIsLostThroughFreezesKillsAndAGroupComingAndGoing() throws Exception {
    system.startControllers();
    system.startGroup(100);
    system.startGroup(101);
    assertEquals("Join OK\n", system.shardctl("join", system.join(100)));
    assertEquals("Join OK\n", system.shardctl("join", system.join(101)));
    try (ShardKvClient client = system.connect(); GrpcShardKvNetwork direct = new GrpcShardKvNetwork()) {
      system.awaitSettled(client, List.of());
      WriteLoad load = new WriteLoad(client, 2);
      load.awaitProgress(50);

      frozenLeaderStepsDownAndServesNoStaleRead(client, direct, load);
      controllerLeaderKilledWhileAShardMoves(client, load);
      thirdGroupJoinsUnderLoadAndLeaves(client, direct, load);
      groupLeaderKilledUnderLoad(client, load);

      load.checkNothingLost(client.newClerk());
    }
  }

  private void frozenLeaderStepsDownAndServesNoStaleRead(ShardKvClient client, GrpcShardKvNetwork direct,
      WriteLoad load) throws Exception {
    String key = "0-stale-read-probe"; // shard 0
    int gid = ownerOf(client, key);
    ShardKvClerk clerk = client.newClerk();
    clerk.put(key, "before");
    String frozen = ShardedProcesses.leaderOf(client, gid, Set.of());
    ShardKvEndpoint frozenEndpoint = direct.endpoint(frozen);
    long frozenTerm = frozenEndpoint.status(ANSWER_TIMEOUT).join().term();
    system.server(frozen).signal("STOP");
    try {
      ShardedProcesses.leaderOf(client, gid, Set.of(frozen)); // elected past the election timeout
      clerk.put(key, "after");
      load.awaitProgress(20);
    } finally {
      system.server(frozen).signal("CONT");
    }
    // Thawed, it still believes it leads until it hears the new term; a read it answers meanwhile
    // must be confirmed by a majority (ReadIndex), so it can only be refused or current.
    CommandRequest get = CommandRequest.newBuilder().setKey(key).setOp(Op.GET).build();
    ReplicaStatus thawed = Scrape.await(frozen + " stepping down after SIGCONT", () -> {
      CommandResponse answer = frozenEndpoint.command(get, ANSWER_TIMEOUT).exceptionally(e -> null).join();
      if (answer != null && ShardKvError.OK.wire().equals(answer.getErr())) {
        assertEquals("after", answer.getValue(), "a stale read from the thawed leader " + frozen);
      }
      return frozenEndpoint.status(ANSWER_TIMEOUT).exceptionally(e -> null).join();
    }, status -> status != null && !status.role().equals("Leader"));
    assertTrue(thawed.term() > frozenTerm, thawed.toString());
    assertEquals("after", clerk.get(key));
  }

  private void controllerLeaderKilledWhileAShardMoves(ShardKvClient client, WriteLoad load) throws Exception {
    int shard = Shards.of("3");
    int from = ownerOf(client, "3");
    int to = from == 100 ? 101 : 100;
    String leader = system.controllerLeader(Set.of());
    assertEquals("Move OK\n", system.shardctl("move", Integer.toString(shard), Integer.toString(to)));
    system.server(leader).kill();
    system.awaitSettled(client, List.of(leader));
    assertEquals(to, ownerOf(client, "3"));
    load.awaitProgress(20);
    // The remaining two controllers elect a leader and take changes; the killed one catches up.
    assertEquals("Move OK\n", system.shardctl("move", Integer.toString(shard), Integer.toString(from)));
    system.restartController(List.of(system.ctrlers().split(",")).indexOf(leader));
    system.awaitSettled(client, List.of());
  }

  private void thirdGroupJoinsUnderLoadAndLeaves(ShardKvClient client, GrpcShardKvNetwork direct, WriteLoad load)
      throws Exception {
    system.startGroup(102);
    assertEquals("Join OK\n", system.shardctl("join", system.join(102)));
    system.awaitSettled(client, List.of());
    assertTrue(client.status(ANSWER_TIMEOUT).stream().anyMatch(row -> row.gid() == 102 && !row.shards().isEmpty()),
        "group 102 serves no shard after joining");
    load.awaitProgress(20);
    assertEquals("Leave OK\n", system.shardctl("leave", "102"));
    system.awaitSettled(client, List.of());
    for (String address : system.group(102)) {
      Scrape.await(address + " (group 102, left) holding no shard", () ->
          direct.endpoint(address).shardStatus(ANSWER_TIMEOUT).join().getShardsList(), List::isEmpty);
    }
    load.awaitProgress(20);
  }

  private void groupLeaderKilledUnderLoad(ShardKvClient client, WriteLoad load) throws Exception {
    String leader = ShardedProcesses.leaderOf(client, 101, Set.of());
    system.server(leader).kill();
    ShardedProcesses.leaderOf(client, 101, Set.of(leader));
    load.awaitProgress(20);
    system.restartGroupServer(101, system.group(101).indexOf(leader));
    system.awaitSettled(client, List.of());
  }

  private static int ownerOf(ShardKvClient client, String key) throws Exception {
    int shard = Shards.of(key);
    List<Integer> owners = new ArrayList<>();
    client.status(ANSWER_TIMEOUT).stream()
        .filter(row -> row.node().online() && row.shards().stream().anyMatch(s -> s.getShardId() == shard))
        .forEach(row -> owners.add(row.gid()));
    assertTrue(!owners.isEmpty() && owners.stream().distinct().count() == 1, "owners of shard " + shard + ": " + owners);
    return owners.get(0);
  }
}
