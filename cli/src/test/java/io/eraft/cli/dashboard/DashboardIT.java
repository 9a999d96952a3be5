package io.eraft.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.eraft.cli.Binaries;
import io.eraft.cli.ExitCode;
import io.eraft.cli.ops.Scrape;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.raft.cluster.FreePorts;
import io.eraft.shardkv.client.ShardKvClerk;
import io.eraft.shardkv.client.ShardKvClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code dashboard} binary against a live cluster (a controller, group 100 of three servers,
 * group 101 of one), read through its JSON API and through its page in headless Chromium: every
 * node and shard appears; a node killed with -9, and one frozen with SIGSTOP (which never answers,
 * so it must not hold the page up), turn unhealthy within one refresh and healthy again when back.
 * Screenshots of the three tabs are kept in {@code cli/target/dashboard-it/}. Waits are liveness
 * guards; "within one refresh" is checked against the snapshots' own times.
 */
class DashboardIT {
  private static final Pattern URL_LINE = Pattern.compile("listening on (http://[^/ ]+)/");
  private static final Duration NODE_TIMEOUT = Duration.ofSeconds(2); // the dashboard's default --timeout
  private static final Path SCREENSHOTS = Path.of("target", "dashboard-it");
  private static final int KEYS = 20;
  private static final String PAGE_STATE = """
      (() => ({
        updatedAt: document.getElementById('last-updated')?.dataset.updatedAt ?? '',
        nodes: [...document.querySelectorAll('tr[data-node]')].map(row =>
            ({ address: row.dataset.node, healthy: row.dataset.healthy === 'true', role: row.dataset.role })),
        shards: [...document.querySelectorAll('tr[data-shard]')].map(row =>
            ({ shard: Number(row.dataset.shard), group: Number(row.dataset.group), state: row.dataset.state })),
      }))()""";

  @TempDir Path dir;
  private Binaries binaries;
  private final String ctrler = "127.0.0.1:" + FreePorts.pick();
  private final List<String> group100 = List.of("127.0.0.1:" + FreePorts.pick(), "127.0.0.1:" + FreePorts.pick(),
      "127.0.0.1:" + FreePorts.pick());
  private final String group101 = "127.0.0.1:" + FreePorts.pick();
  private final List<Binaries.Server> servers100 = new ArrayList<>();
  private Binaries.Server server101;

  DashboardIT() throws Exception {}

  /** What the page shows: its snapshot's time, the rows of the topology tab and of the shard table. */
  private record PageState(Instant updatedAt, Map<String, Boolean> healthByNode, Map<Integer, String> stateByShard,
      Map<Integer, Integer> groupByShard) {
    static PageState of(JsonElement json) {
      JsonObject page = json.getAsJsonObject();
      String updated = page.get("updatedAt").getAsString();
      Map<String, Boolean> nodes = new TreeMap<>();
      page.getAsJsonArray("nodes").forEach(n -> nodes.put(n.getAsJsonObject().get("address").getAsString(),
          n.getAsJsonObject().get("healthy").getAsBoolean()));
      Map<Integer, String> states = new TreeMap<>();
      Map<Integer, Integer> groups = new TreeMap<>();
      page.getAsJsonArray("shards").forEach(row -> {
        JsonObject shard = row.getAsJsonObject();
        states.put(shard.get("shard").getAsInt(), shard.get("state").getAsString());
        groups.put(shard.get("shard").getAsInt(), shard.get("group").getAsInt());
      });
      return new PageState(updated.isEmpty() ? Instant.EPOCH : Instant.parse(updated), nodes, states, groups);
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    binaries = new Binaries(Files.createDirectories(dir.resolve("logs")));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    binaries.close();
  }

  @Test
  void everyNodeAndShardShowsAndANodeKilledOrFrozenTurnsUnhealthyWithinOneRefresh() throws Exception {
    Path chromium = HeadlessChromium.executable();
    assumeTrue(chromium != null, "Debian's chromium is not installed (apt-get install chromium); skipping");
    startCluster();
    String url = startDashboard();
    Set<String> everyNode = new TreeSet<>(List.of(ctrler, group101));
    everyNode.addAll(group100);

    JsonObject settled = Scrape.await("the dashboard showing every node healthy, every shard served, the keys",
        () -> dashboard(url),
        d -> d != null && metric(d, "healthyNodes") == 5 && metric(d, "totalKeys") == KEYS
            && states(d).values().stream().allMatch("Serving"::equals));
    assertApiDescribesTheCluster(url, settled);

    try (HeadlessChromium browser = HeadlessChromium.open(chromium, dir.resolve("chromium"), url + "/", 1280, 900)) {
      PageState shown = awaitPage(browser, "every node and shard on the page",
          p -> p.healthByNode().keySet().equals(everyNode) && !p.healthByNode().containsValue(false)
              && p.stateByShard().size() == 10 && p.stateByShard().values().stream().allMatch("Serving"::equals));
      assertEquals(IntStream.range(0, 10).boxed().collect(Collectors.toSet()), shown.stateByShard().keySet());
      for (String tab : List.of("metrics", "topology", "shards")) {
        browser.evaluate("document.querySelector('nav button[data-tab=" + tab + "]').click()");
        browser.screenshot(SCREENSHOTS.resolve(tab + ".png"));
      }

      Binaries.Server killed = servers100.get(2);
      killed.kill();
      awaitUnhealthyWithinOneRefresh(browser, group100.get(2), Instant.now());
      Binaries.Server frozen = server101;
      frozen.signal("STOP");
      try {
        PageState stalled = awaitUnhealthyWithinOneRefresh(browser, group101, Instant.now());
        List<Integer> shards101 = stalled.groupByShard().entrySet().stream().filter(e -> e.getValue() == 101)
            .map(Map.Entry::getKey).toList();
        assertEquals(5, shards101.size(), stalled.toString());
        assertTrue(shards101.stream().allMatch(shard -> "Unknown".equals(stalled.stateByShard().get(shard))),
            "no leader of group 101 tells its shards' state: " + stalled);
        JsonObject frozenNode = node(dashboard(url), group101);
        assertTrue(frozenNode.get("error").getAsString().contains("no answer within"), frozenNode.toString());
        browser.evaluate("document.querySelector('nav button[data-tab=topology]').click()");
        browser.screenshot(SCREENSHOTS.resolve("unhealthy.png"));
      } finally {
        frozen.signal("CONT");
      }
      awaitPage(browser, group101 + " healthy again", p -> Boolean.TRUE.equals(p.healthByNode().get(group101)));
    }
  }

  private void startCluster() throws Exception {
    Binaries.Server controller = binaries.startServer("shardctrler", "-id", "0", "-cluster", ctrler,
        "-db", dir.resolve("ctrler").toString());
    String cluster100 = String.join(",", group100);
    for (int id = 0; id < 3; id++) {
      servers100.add(binaries.startServer("shardkvserver", "-gid", "100", "-id", Integer.toString(id),
          "-cluster", cluster100, "-ctrlers", ctrler, "-db", dir.resolve("g100-" + id).toString()));
    }
    server101 = binaries.startServer("shardkvserver", "-gid", "101", "-id", "0", "-cluster", group101,
        "-ctrlers", ctrler, "-db", dir.resolve("g101").toString());
    controller.awaitStdout("listening on " + ctrler);
    for (int id = 0; id < 3; id++) {
      servers100.get(id).awaitStdout("listening on " + group100.get(id));
    }
    server101.awaitStdout("listening on " + group101);
    shardctl("join", "100=" + cluster100);
    shardctl("join", "101=" + group101);
    try (ShardKvClient client = ShardKvClient.connect(List.of(ctrler), RetryPolicy.DEFAULT, Duration.ofSeconds(60))) {
      ShardKvClerk clerk = client.newClerk();
      for (int i = 0; i < KEYS; i++) {
        clerk.put(i % 10 + "-key-" + i, "value-" + i); // eRaft's shard: the first byte mod 10
      }
    }
  }

  private String startDashboard() throws Exception {
    Binaries.Server dashboard = binaries.startProcess("-XX:+UseSerialGC -Xmx128m -XX:TieredStopAtLevel=1",
        "dashboard", "-port", "0", "-host", "127.0.0.1", "-config-addrs", ctrler, "-update-interval", "1s");
    dashboard.awaitStdout("Dashboard server listening on");
    Matcher m = URL_LINE.matcher(dashboard.stdoutText());
    assertTrue(m.find(), dashboard.stdoutText());
    return m.group(1);
  }

  private void assertApiDescribesTheCluster(String url, JsonObject dashboard) throws Exception {
    JsonObject topology = dashboard.getAsJsonObject("topology");
    JsonObject controllers = topology.getAsJsonObject("configCluster");
    assertEquals(2, controllers.get("configNum").getAsInt());
    assertEquals(0, controllers.get("leaderId").getAsInt());
    assertEquals(List.of(ctrler), addresses(controllers.getAsJsonArray("nodes")));
    JsonArray groups = topology.getAsJsonArray("shardGroups");
    assertEquals(2, groups.size());
    assertEquals(100, groups.get(0).getAsJsonObject().get("groupId").getAsInt());
    assertEquals(group100, addresses(groups.get(0).getAsJsonObject().getAsJsonArray("nodes")));
    assertEquals(List.of(group101), addresses(groups.get(1).getAsJsonObject().getAsJsonArray("nodes")));
    Map<Integer, Integer> shardMap = new TreeMap<>();
    topology.getAsJsonObject("shardMap").entrySet().forEach(e -> shardMap.put(Integer.parseInt(e.getKey()),
        e.getValue().getAsInt()));
    assertEquals(10, shardMap.size());
    assertEquals(Set.of(100, 101), Set.copyOf(shardMap.values()));
    for (JsonElement shard : dashboard.getAsJsonArray("shards")) {
      JsonObject s = shard.getAsJsonObject();
      assertEquals(shardMap.get(s.get("shardId").getAsInt()), s.get("groupId").getAsInt(), s.toString());
    }
    assertEquals(5.0, dashboard.getAsJsonObject("metrics").get("averageLoad").getAsDouble());
    Scrape.Answer metrics = Scrape.get(url + "/api/metrics");
    assertEquals(200, metrics.status());
    assertEquals("application/json", metrics.contentType());
    assertEquals(5, JsonParser.parseString(metrics.body()).getAsJsonObject().get("totalNodes").getAsInt());
    Scrape.Answer topologyOnly = Scrape.get(url + "/api/topology");
    assertEquals(200, topologyOnly.status());
    assertTrue(JsonParser.parseString(topologyOnly.body()).getAsJsonObject().has("shardGroups"));
    assertEquals(404, Scrape.get(url + "/no-such-page").status());
  }

  /**
   * Waits until the page shows {@code address} unhealthy, and checks it did so within one refresh:
   * a snapshot taken more than one collection after {@code since} (a collection asks each server
   * for at most twice the timeout) must not show it healthy.
   */
  private static PageState awaitUnhealthyWithinOneRefresh(HeadlessChromium browser, String address, Instant since)
      throws Exception {
    Instant oneCollectionLater = since.plus(NODE_TIMEOUT.multipliedBy(2));
    return awaitPage(browser, address + " unhealthy", p -> {
      boolean healthy = !Boolean.FALSE.equals(p.healthByNode().get(address));
      if (healthy && p.updatedAt().isAfter(oneCollectionLater)) {
        throw new AssertionError(address + " still shows healthy in a snapshot taken at " + p.updatedAt()
            + ", more than one collection after it stopped answering at " + since);
      }
      return !healthy;
    });
  }

  private static PageState awaitPage(HeadlessChromium browser, String what, Predicate<PageState> done)
      throws Exception {
    return Scrape.await(what, () -> PageState.of(browser.evaluate(PAGE_STATE)), done);
  }

  /** The dashboard's answer, or null while it is not ready (503). */
  private static JsonObject dashboard(String url) throws Exception {
    Scrape.Answer answer = Scrape.get(url + "/api/dashboard");
    if (answer.status() == 503) {
      return null;
    }
    assertEquals(200, answer.status(), answer.body());
    return JsonParser.parseString(answer.body()).getAsJsonObject();
  }

  private static long metric(JsonObject dashboard, String name) {
    return dashboard.getAsJsonObject("metrics").get(name).getAsLong();
  }

  private static Map<Integer, String> states(JsonObject dashboard) {
    Map<Integer, String> states = new TreeMap<>();
    dashboard.getAsJsonArray("shards").forEach(s -> states.put(s.getAsJsonObject().get("shardId").getAsInt(),
        s.getAsJsonObject().get("state").getAsString()));
    return states;
  }

  private static JsonObject node(JsonObject dashboard, String address) {
    JsonObject topology = dashboard.getAsJsonObject("topology");
    List<JsonElement> nodes = new ArrayList<>();
    topology.getAsJsonObject("configCluster").getAsJsonArray("nodes").forEach(nodes::add);
    topology.getAsJsonArray("shardGroups").forEach(g -> g.getAsJsonObject().getAsJsonArray("nodes").forEach(nodes::add));
    return nodes.stream().map(JsonElement::getAsJsonObject)
        .filter(n -> n.get("address").getAsString().equals(address)).findFirst().orElseThrow();
  }

  private static List<String> addresses(JsonArray nodes) {
    return StreamSupport.stream(nodes.spliterator(), false)
        .map(n -> n.getAsJsonObject().get("address").getAsString()).toList();
  }

  private void shardctl(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("-cluster", ctrler, "--timeout", "30s"));
    argv.addAll(List.of(args));
    Binaries.Result r = binaries.run("shardctl", argv.toArray(String[]::new));
    assertEquals(ExitCode.OK, r.exit(), r.toString());
  }
}
