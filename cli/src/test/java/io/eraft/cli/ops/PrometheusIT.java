package io.eraft.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.eraft.cli.Binaries;
import io.eraft.cli.ExitCode;
import io.eraft.raft.cluster.FreePorts;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's package; {@code .ci/run} installs it) on 127.0.0.1 with a temporary
 * data directory scrapes a running cluster of every server kind — a 3-node kvserver group, a
 * controller, a ShardKV group — with {@code deploy/}'s alert rules: every target is up, every node
 * has a leader, every metric the Grafana dashboard queries exists, and killing the kvserver
 * leader makes the node-down alert pending (or firing). Waits are liveness guards.
 */
class PrometheusIT {
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Duration WAIT_LIMIT = Duration.ofSeconds(120);

  @TempDir Path dir;
  private Binaries binaries;
  private Process prometheus;
  private String api;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(Files.isExecutable(PROMETHEUS),
        "prometheus is not installed (Debian: apt-get install prometheus; .ci/run installs it)");
    binaries = new Binaries(Files.createDirectories(dir.resolve("logs")));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(30, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly().waitFor();
      }
    }
    if (binaries != null) {
      binaries.close();
    }
  }

  @Test
  void prometheusScrapesEveryServerKindAndAlertsWhenANodeDies() throws Exception {
    List<String> kv = List.of("127.0.0.1:" + FreePorts.pick(), "127.0.0.1:" + FreePorts.pick(),
        "127.0.0.1:" + FreePorts.pick());
    List<Binaries.Server> kvServers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      kvServers.add(binaries.startServer("kvserver", "-id", Integer.toString(i), "-addrs", String.join(",", kv),
          "-db", dir.resolve("kv-" + i).toString(), "--heartbeat-interval", "50ms", "--election-timeout", "500ms"));
    }
    String ctrler = "127.0.0.1:" + FreePorts.pick();
    String group = "127.0.0.1:" + FreePorts.pick();
    Binaries.Server ctrlerServer = binaries.startServer("shardctrler", "-cluster", ctrler,
        "-db", dir.resolve("ctrler").toString());
    Binaries.Server groupServer = binaries.startServer("shardkvserver", "-gid", "100", "-cluster", group,
        "-ctrlers", ctrler, "-db", dir.resolve("g100").toString());
    List<String> kvTargets = new ArrayList<>();
    for (Binaries.Server s : kvServers) {
      kvTargets.add(hostPort(s.metricsUrl()));
    }
    Binaries.Result join = binaries.run("shardctl", "-cluster", ctrler, "--timeout", "30s", "join", "100=" + group);
    assertEquals(ExitCode.OK, join.exit(), join.toString());

    startPrometheus(kvTargets, hostPort(ctrlerServer.metricsUrl()), hostPort(groupServer.metricsUrl()));
    await("every target up", () -> {
      List<Value> targets = get("/api/v1/targets").getFieldsOrThrow("activeTargets").getListValue().getValuesList();
      return targets.size() == 5 && targets.stream()
          .allMatch(t -> t.getStructValue().getFieldsOrThrow("health").getStringValue().equals("up"));
    });
    await("has_leader = 1 on every node", () -> {
      List<Value> result = query("eraft_raft_has_leader");
      return result.size() == 5 && result.stream().allMatch(r -> sampleValue(r).equals("1"));
    });

    // Every metric the dashboard queries is one Prometheus now holds.
    Set<String> held = new TreeSet<>();
    get("/api/v1/label/__name__/values").getFieldsOrThrow("data").getListValue().getValuesList()
        .forEach(v -> held.add(v.getStringValue()));
    Set<String> queried = new TreeSet<>();
    for (Value panel : DeployConfigTest.dashboard().getFieldsOrThrow("panels").getListValue().getValuesList()) {
      Value targets = panel.getStructValue().getFieldsMap().get("targets");
      if (targets != null) {
        targets.getListValue().getValuesList().forEach(t ->
            queried.addAll(DeployConfigTest.metricNames(t.getStructValue().getFieldsOrThrow("expr").getStringValue())));
      }
    }
    queried.removeAll(held);
    assertEquals(Set.of(), queried, "dashboard queries of metrics Prometheus does not hold");

    // The kvserver leader dies: its node-down alert becomes pending (for: 1m) or firing.
    List<Value> leaders = query("eraft_raft_is_leader{component=\"kvserver\"} == 1");
    assertEquals(1, leaders.size(), leaders.toString());
    String leaderInstance = label(leaders.get(0), "instance");
    kvServers.get(kvTargets.indexOf(leaderInstance)).kill();
    await("EraftNodeDown pending or firing for " + leaderInstance, () -> get("/api/v1/alerts")
        .getFieldsOrThrow("alerts").getListValue().getValuesList().stream().anyMatch(a ->
            label(a, "alertname").equals("EraftNodeDown") && label(a, "instance").equals(leaderInstance)
                && Set.of("pending", "firing").contains(a.getStructValue().getFieldsOrThrow("state").getStringValue())));
  }

  private void startPrometheus(List<String> kvTargets, String ctrlerTarget, String groupTarget) throws Exception {
    Path rules = DeployConfigTest.DEPLOY.resolve("prometheus").resolve("alerts.yml");
    String config = "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        + "rule_files:\n  - " + rules + "\n"
        + "scrape_configs:\n"
        + job("eraft-kvserver", kvTargets, "kvserver", "0")
        + job("eraft-shardctrler", List.of(ctrlerTarget), "shardctrler", "0")
        + job("eraft-shardkv", List.of(groupTarget), "shardkv", "100");
    Path file = Files.writeString(dir.resolve("prometheus.yml"), config);
    String listen = "127.0.0.1:" + FreePorts.pick();
    api = "http://" + listen;
    prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + file,
        "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=" + listen)
        .redirectErrorStream(true).redirectOutput(dir.resolve("logs").resolve("prometheus.log").toFile()).start();
    await("Prometheus ready", () -> {
      try {
        return Scrape.get(api + "/-/ready").status() == 200;
      } catch (IOException e) {
        return false;
      }
    });
  }

  private static String job(String name, List<String> targets, String component, String group) {
    return "  - job_name: " + name + "\n    static_configs:\n      - targets: [\"" + String.join("\", \"", targets)
        + "\"]\n        labels: {component: " + component + ", group: \"" + group + "\"}\n";
  }

  private Struct get(String path) throws Exception {
    Scrape.Answer a = Scrape.get(api + path);
    assertEquals(200, a.status(), a.body());
    Struct.Builder body = Struct.newBuilder();
    JsonFormat.parser().merge(a.body(), body);
    Value data = body.build().getFieldsOrThrow("data");
    return data.hasStructValue() ? data.getStructValue() : body.build();
  }

  private List<Value> query(String promql) throws Exception {
    return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
        .getFieldsOrThrow("result").getListValue().getValuesList();
  }

  private static String sampleValue(Value result) {
    return result.getStructValue().getFieldsOrThrow("value").getListValue().getValues(1).getStringValue();
  }

  private static String label(Value item, String name) {
    Struct labels = item.getStructValue().getFieldsOrThrow(item.getStructValue().containsFields("metric")
        ? "metric" : "labels").getStructValue();
    Value v = labels.getFieldsMap().get(name);
    return v == null ? "" : v.getStringValue();
  }

  private static String hostPort(String url) {
    return url.substring("http://".length());
  }

  private static void await(String what, Scrape.Probe<Boolean> condition) throws Exception {
    Scrape.await(what, WAIT_LIMIT, condition, Boolean::booleanValue);
  }
}
