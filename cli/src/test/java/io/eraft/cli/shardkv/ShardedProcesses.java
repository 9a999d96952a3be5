package io.eraft.cli.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eraft.cli.Binaries;
import io.eraft.cli.ops.Scrape;
import io.eraft.proto.shardkvpb.ShardInfo;
import io.eraft.raft.client.NodeStatus;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.raft.cluster.FreePorts;
import io.eraft.shardctrler.client.CtrlerClerk;
import io.eraft.shardctrler.client.CtrlerClient;
import io.eraft.shardctrler.config.ShardConfig;
import io.eraft.shardkv.client.ShardKvClient;
import io.eraft.shardkv.client.ShardKvNodeStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A sharded system of real processes through {@code cli/bin}, on free ports of 127.0.0.1: three
 * {@code shardctrler}s and ShardKV groups of three {@code shardkvserver}s, each node's data under
 * one directory, and the waits the tests share (liveness guards only). Not thread-safe.
 */
final class ShardedProcesses {
  static final String TIMEOUT = "30s";
  private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(2);

  private final Binaries binaries;
  private final Path dir;
  private final String serverJvm;
  private final List<String> ctrlers = addresses();
  private final Map<Integer, List<String>> groups = new TreeMap<>();
  private final Map<String, Binaries.Server> servers = new ConcurrentHashMap<>();

  /** @param serverJvm the JVM flags of the ShardKV servers */
  ShardedProcesses(Binaries binaries, Path dir, String serverJvm) throws IOException {
    this.binaries = binaries;
    this.dir = dir;
    this.serverJvm = serverJvm;
  }

  private static List<String> addresses() throws IOException {
    List<String> list = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      list.add("127.0.0.1:" + FreePorts.pick());
    }
    return List.copyOf(list);
  }

  String ctrlers() {
    return String.join(",", ctrlers);
  }

  List<String> group(int gid) throws IOException {
    List<String> servers = groups.get(gid);
    if (servers == null) {
      servers = addresses();
      groups.put(gid, servers);
    }
    return servers;
  }

  /** {@code gid=host:port,...}, as {@code shardctl join} takes it. */
  String join(int gid) throws IOException {
    return gid + "=" + String.join(",", group(gid));
  }

  Binaries.Server server(String address) {
    return servers.get(address);
  }

  ShardKvClient connect() {
    return ShardKvClient.connect(ctrlers, RetryPolicy.DEFAULT, Duration.ofSeconds(60));
  }

  /** Starts the controllers and waits until each listens. */
  void startControllers() throws Exception {
    for (int id = 0; id < 3; id++) {
      start(ctrlers.get(id), binaries.startServer("shardctrler", "-id", Integer.toString(id), "-cluster", ctrlers(),
          "-db", dir.resolve("ctrler-" + id).toString()));
    }
    awaitListening(ctrlers);
  }

  /** Starts controller {@code id} again, on its data, and waits until it listens. */
  void restartController(int id) throws Exception {
    start(ctrlers.get(id), binaries.startServer("shardctrler", "-id", Integer.toString(id), "-cluster", ctrlers(),
        "-db", dir.resolve("ctrler-" + id).toString()));
    awaitListening(List.of(ctrlers.get(id)));
  }

  /** Starts group {@code gid}'s servers and waits until each listens. */
  void startGroup(int gid) throws Exception {
    for (int id = 0; id < 3; id++) {
      startGroupServer(gid, id);
    }
    awaitListening(group(gid));
  }

  /** Starts server {@code id} of group {@code gid}, on its data, and waits until it listens. */
  void restartGroupServer(int gid, int id) throws Exception {
    startGroupServer(gid, id);
    awaitListening(List.of(group(gid).get(id)));
  }

  private void startGroupServer(int gid, int id) throws IOException {
    start(group(gid).get(id), binaries.startServerWith(serverJvm, "shardkvserver", "-gid", Integer.toString(gid),
        "-id", Integer.toString(id), "-cluster", String.join(",", group(gid)), "-ctrlers", ctrlers(),
        "-db", dir.resolve("g" + gid + "-" + id).toString()));
  }

  private void start(String address, Binaries.Server server) {
    servers.put(address, server);
  }

  private void awaitListening(Collection<String> addresses) throws Exception {
    for (String address : addresses) {
      servers.get(address).awaitStdout(" listening on " + address);
    }
  }

  /** Runs {@code shardctl} on the controllers; returns its output, failing unless it exits 0. */
  String shardctl(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("-cluster", ctrlers(), "--timeout", TIMEOUT));
    argv.addAll(List.of(args));
    Binaries.Result r = binaries.run("shardctl", argv.toArray(String[]::new));
    assertEquals(0, r.exit(), r.toString());
    return r.stdout();
  }

  /** The address of the leader of group {@code gid} (any running leader not in {@code excluded}), once there is one. */
  static String leaderOf(ShardKvClient client, int gid, Collection<String> excluded) throws Exception {
    return Scrape.await("a leader of group " + gid + " other than " + excluded,
        () -> client.status(STATUS_TIMEOUT).stream()
            .filter(row -> row.gid() == gid && isLeader(row.node()) && !excluded.contains(row.node().address()))
            .map(row -> row.node().address()).findFirst().orElse(null),
        leader -> leader != null);
  }

  /** The address of the controllers' leader (not in {@code excluded}), once there is one. */
  String controllerLeader(Collection<String> excluded) throws Exception {
    try (CtrlerClient client = CtrlerClient.connect(ctrlers, RetryPolicy.DEFAULT, Duration.ofSeconds(10))) {
      return Scrape.await("a controller leader other than " + excluded,
          () -> client.status(STATUS_TIMEOUT).stream()
              .filter(node -> isLeader(node) && !excluded.contains(node.address()))
              .map(NodeStatus::address).findFirst().orElse(null),
          leader -> leader != null);
    }
  }

  private static boolean isLeader(NodeStatus node) {
    return node.online() && node.role().equals("Leader");
  }

  /**
   * Waits until every server of the latest configuration but those {@code down} answers, each holds
   * exactly the shards the configuration gives its group, all Serving (none still moving in, away or
   * to be collected); returns that configuration's number.
   */
  long awaitSettled(ShardKvClient client, Collection<String> down) throws Exception {
    try (CtrlerClient ctrler = CtrlerClient.connect(ctrlers, RetryPolicy.DEFAULT, Duration.ofSeconds(10))) {
      CtrlerClerk clerk = ctrler.newClerk();
      return Scrape.await("every shard served by the group the configuration names, " + down + " down", () -> {
        ShardConfig config = clerk.query(-1);
        List<ShardKvNodeStatus> rows = client.status(STATUS_TIMEOUT);
        boolean settled = rows.stream().filter(row -> !down.contains(row.node().address())).allMatch(row -> {
          Set<Integer> held = row.shards().stream().filter(s -> s.getStatus().equals("Serving"))
              .map(ShardInfo::getShardId).collect(Collectors.toSet());
          return row.node().online() && held.size() == row.shards().size() && held.equals(owned(config, row.gid()));
        });
        return settled ? config.num() : -1;
      }, num -> num >= 0);
    }
  }

  private static Set<Integer> owned(ShardConfig config, int gid) {
    return IntStream.range(0, config.shards().size()).filter(shard -> config.gidOf(shard) == gid).boxed()
        .collect(Collectors.toSet());
  }
}
