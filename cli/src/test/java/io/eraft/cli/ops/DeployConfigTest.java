package io.eraft.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/}: the Prometheus config and alert rules pass promtool (Debian's {@code prometheus}
 * package; {@code .ci/run} installs it), every alert has a fixture, and every query of the alerts
 * and of the Grafana dashboard parses and names only metrics the servers export ({@link
 * RequiredMetrics}, which the ITs scrape from real servers).
 */
class DeployConfigTest {
  static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
  private static final Path PROMETHEUS = DEPLOY.resolve("prometheus");
  private static final Path DASHBOARD = DEPLOY.resolve("grafana").resolve("eraft-dashboard.json");
  /** A metric name in PromQL once label matchers, grouping clauses and strings are cut out. */
  private static final Pattern METRIC = Pattern.compile("\\b(?:eraft|grpc|process|jvm)_[a-z_]+\\b|\\bup\\b");

  @TempDir Path tmp;

  @Test
  void promtoolAcceptsTheConfigAndTheRulesAndTheirTestsPass() throws Exception {
    assertEquals("", promtool("check", "config", PROMETHEUS.resolve("prometheus.yml").toString()));
    assertEquals("", promtool("check", "rules", PROMETHEUS.resolve("alerts.yml").toString()));
    assertEquals("", promtool("test", "rules", PROMETHEUS.resolve("alerts_test.yml").toString()));
  }

  @Test
  void everyAlertHasAFixture() throws IOException {
    Set<String> alerts = matches(Files.readString(PROMETHEUS.resolve("alerts.yml")), "- alert: (\\w+)");
    Set<String> tested = matches(Files.readString(PROMETHEUS.resolve("alerts_test.yml")), "alertname: (\\w+)");
    assertEquals(Set.of("EraftNoLeader", "EraftInsufficientMembers", "EraftNodeDown", "EraftPeerUnreachable",
        "EraftHighNumberOfLeaderChanges", "EraftHighNumberOfFailedProposals", "EraftHighFsyncDurations",
        "EraftHighCommitDurations", "EraftHighNumberOfFailedGRPCRequests", "EraftGRPCRequestsSlow",
        "EraftMemberCommunicationSlow", "EraftApplyLag", "EraftShardMigrationStuck", "EraftConfigLag"), alerts);
    assertEquals(alerts, tested);
  }

  @Test
  void alertsQueryOnlyExportedMetrics() throws IOException {
    List<String> exprs = new ArrayList<>();
    Matcher m = Pattern.compile("expr: (.*)").matcher(Files.readString(PROMETHEUS.resolve("alerts.yml")));
    while (m.find()) {
      exprs.add(m.group(1));
    }
    assertEquals(16, exprs.size());
    assertOnlyExported(exprs, "alerts.yml");
  }

  @Test
  void theDashboardCoversEachAreaAndQueriesOnlyExportedMetrics() throws Exception {
    Struct dashboard = dashboard();
    List<String> rows = new ArrayList<>();
    List<String> exprs = new ArrayList<>();
    for (Value panel : dashboard.getFieldsOrThrow("panels").getListValue().getValuesList()) {
      Struct p = panel.getStructValue();
      if (p.getFieldsOrThrow("type").getStringValue().equals("row")) {
        rows.add(p.getFieldsOrThrow("title").getStringValue());
        continue;
      }
      ListValue targets = p.getFieldsOrThrow("targets").getListValue();
      assertTrue(targets.getValuesCount() > 0, p.getFieldsOrThrow("title").getStringValue() + " has no query");
      targets.getValuesList().forEach(t -> exprs.add(t.getStructValue().getFieldsOrThrow("expr").getStringValue()));
    }
    assertEquals(List.of("Cluster overview", "Raft (per group)", "Shards", "Request latency", "Disk",
        "JVM and process"), rows);
    assertOnlyExported(exprs, "the dashboard");
    Set<String> queried = new TreeSet<>();
    exprs.forEach(e -> queried.addAll(metricNames(e)));
    for (String wanted : List.of("eraft_raft_has_leader", "eraft_shardctrler_shards", "eraft_shardkv_shards",
        "eraft_shardkv_shard_bytes", "grpc_server_handling_seconds_bucket", "eraft_disk_wal_fsync_duration_seconds_bucket",
        "process_resident_memory_bytes")) {
      assertTrue(queried.contains(wanted), "the dashboard does not show " + wanted);
    }

    // promtool parses each query (as a recording rule), the dashboard's variables set to match all.
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    for (int i = 0; i < exprs.size(); i++) {
      String expr = exprs.get(i).replace("$component", ".*").replace("$group", ".*");
      rules.append("      - record: dashboard:query").append(i).append("\n        expr: '")
          .append(expr.replace("'", "''")).append("'\n");
    }
    Path file = Files.writeString(tmp.resolve("dashboard-queries.yml"), rules);
    assertEquals("", promtool("check", "rules", file.toString()));
  }

  static Struct dashboard() throws IOException {
    Struct.Builder dashboard = Struct.newBuilder();
    JsonFormat.parser().merge(Files.readString(DASHBOARD), dashboard);
    return dashboard.build();
  }

  /** The metric names an expression queries. */
  static Set<String> metricNames(String expr) {
    String bare = expr.replaceAll("\\{[^}]*}", "").replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", "")
        .replaceAll("\"[^\"]*\"", "");
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(bare);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  private static void assertOnlyExported(List<String> exprs, String where) {
    Set<String> unknown = new TreeSet<>();
    for (String expr : exprs) {
      for (String name : metricNames(expr)) {
        if (!name.equals("up") && !RequiredMetrics.ALL.contains(name)) {
          unknown.add(name);
        }
      }
    }
    assertEquals(Set.of(), unknown, where + " queries metrics no server exports");
  }

  private static Set<String> matches(String text, String regex) {
    Set<String> found = new TreeSet<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  /** Runs promtool; returns "" on success, else its exit status and output. */
  private static String promtool(String... args) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/promtool")),
        "promtool is not installed (Debian: apt-get install prometheus; .ci/run installs it)");
    List<String> command = new ArrayList<>(List.of("/usr/bin/promtool"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
    return p.exitValue() == 0 ? "" : "promtool " + String.join(" ", args) + " exited " + p.exitValue() + ":\n" + output;
  }
}
