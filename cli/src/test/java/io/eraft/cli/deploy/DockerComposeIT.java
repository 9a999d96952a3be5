package io.eraft.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.eraft.cli.Binaries;
import io.eraft.cli.ops.Scrape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dockerfile and {@code deploy/compose.yaml} end to end, on images made here (no registry:
 * {@link LocalImages}): eRaft's README topology comes up in containers, the join job joins both
 * groups, every server turns healthy by the image's HEALTHCHECK; the README flow runs through the
 * binaries in a container; under writes, group 100's leader gets SIGKILL and every acknowledged
 * write reads back exactly, with the node down and after it restarted; the compose Prometheus
 * scrapes every server with the alert rules loaded. Skipped without root, a Docker daemon,
 * docker-compose or debootstrap ({@code .ci/run} installs them). Waits are liveness guards; the
 * project is always taken down with its volumes.
 */
class DockerComposeIT {
  private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();
  private static final Duration WAIT_LIMIT = Duration.ofSeconds(120);
  private static final int KEYS = 30;
  /** The writes acknowledged before the kill; the rest go on while the leader is gone. */
  private static final int ACKED_BEFORE_KILL = 10;

  @TempDir Path dir;
  private Path logs;
  private Commands host;
  private ComposeCluster cluster;

  @BeforeEach
  void requireDocker() throws IOException, InterruptedException {
    logs = Files.createDirectories(dir.resolve("logs"));
    host = new Commands(logs, Map.of());
    String missing = ", which .ci/run installs (Debian: apt-get install docker.io docker-compose debootstrap)";
    assumeTrue(host.check(Duration.ofMinutes(1), "id", "-u").strip().equals("0"),
        "not root: debootstrap and docker need it");
    assumeTrue(host.succeeds("docker", "info"), "no Docker daemon answers `docker info`" + missing);
    assumeTrue(host.succeeds("docker-compose", "version"), "no docker-compose" + missing);
    assumeTrue(host.succeeds("debootstrap", "--version"), "no debootstrap" + missing);
  }

  @AfterEach
  void takeDown() throws IOException, InterruptedException {
    if (cluster != null) {
      cluster.down();
    }
  }

  @Test
  void theReadmeTopologyInContainersKeepsEveryAcknowledgedWriteThroughAKilledLeader() throws Exception {
    long started = System.nanoTime();
    LocalImages images = new LocalImages(host, Files.createDirectories(dir.resolve("work")));
    images.buildBases();
    // One tag per checkout: the classic builder's cache then serves a rebuild of unchanged sources.
    String eraftImage = "eraft-it/eraft:" + Integer.toHexString(PROJECT.toString().hashCode());
    images.buildEraft(PROJECT, eraftImage);
    cluster = new ComposeCluster(logs, eraftImage, LocalImages.PROMETHEUS);
    try {
      long up = System.nanoTime();
      cluster.compose("up", "--detach");
      awaitReadyAndJoined();
      System.out.printf("DockerComposeIT: compose up to every server healthy and both groups joined: %.0f s%n",
          seconds(up));
      readmeFlow();
      everyAcknowledgedWriteSurvivesTheLeadersKill();
      prometheusScrapesEveryServer();
      dashboardShowsEveryServerHealthy();
    } catch (Throwable t) {
      System.out.println("DockerComposeIT: failed; project " + cluster.project + "\n" + cluster.diagnostics());
      throw t;
    }
    System.out.printf("DockerComposeIT: %.0f s in all%n", seconds(started));
  }

  private void awaitReadyAndJoined() throws Exception {
    for (String server : ComposeCluster.servers()) {
      awaitReady(server);
    }
    Scrape.await("join-groups exits 0", WAIT_LIMIT,
        () -> cluster.inspect("join-groups", "{{.State.Status}} {{.State.ExitCode}}"), "exited 0"::equals);
    for (String server : ComposeCluster.servers()) {
      awaitHealthy(server);
    }
  }

  private void awaitReady(String server) throws Exception {
    String url = cluster.metricsUrl(server) + "/readyz";
    Scrape.await(url + " answering 200", WAIT_LIMIT, () -> {
      try {
        return Scrape.get(url).status();
      } catch (IOException e) {
        return -1; // not listening yet
      }
    }, status -> status == 200);
  }

  private void awaitHealthy(String server) throws Exception {
    Scrape.await(server + " healthy by the image's HEALTHCHECK", WAIT_LIMIT,
        () -> cluster.inspect(server, "{{.State.Health.Status}}"), "healthy"::equals);
  }

  private void readmeFlow() throws Exception {
    assertOutput("{\"num\":2", shardctl("--output", "json", "query"));
    assertOutput("Put OK\n", shardkv("put", "mykey", "myvalue"));
    assertOutput("myvalue\n", shardkv("get", "mykey"));
    assertOutput("Append OK\n", shardkv("append", "mykey", " extra"));
    assertOutput("myvalue extra\n", shardkv("get", "mykey"));
    assertOutput("Benchmark finished: 200 requests", shardkv("bench", "200"));
  }

  private void everyAcknowledgedWriteSurvivesTheLeadersKill() throws Exception {
    String leader = Scrape.await("one leader in group 100", () -> leaderOf(ComposeCluster.GROUP_100),
        found -> !found.isEmpty());
    String suffix = "-" + cluster.project;
    Path writes = logs.resolve("writes.out");
    // One `shardkv put` per key, in order; a line ACK <key> for each write the cluster acknowledged.
    Process writer = cluster.startExec(writes, "bash", "-c", "for i in $(seq 0 " + (KEYS - 1) + "); do"
        + " shardkv -ctrlers \"$1\" --timeout 30s put \"key$i\" \"value$i$2\" && echo \"ACK key$i\"; done",
        "writer", cluster.ctrlerAddresses(), suffix);
    try {
      Scrape.await(ACKED_BEFORE_KILL + " writes acknowledged", WAIT_LIMIT, () -> acknowledged(writes),
          acked -> acked.size() >= ACKED_BEFORE_KILL);
      cluster.kill(leader);
      if (!writer.waitFor(10, TimeUnit.MINUTES)) {
        fail("the writes did not finish within 10 minutes; so far: " + Files.readString(writes));
      }
    } finally {
      writer.destroyForcibly();
    }
    List<String> acked = acknowledged(writes);
    System.out.printf("DockerComposeIT: %d of %d writes acknowledged, %s killed after %d%n", acked.size(), KEYS,
        leader, ACKED_BEFORE_KILL);
    assertEveryValue(acked, suffix, leader + " down");
    cluster.start(leader);
    awaitReady(leader);
    awaitHealthy(leader);
    assertEveryValue(acked, suffix, leader + " restarted");
  }

  /** The group's node whose metrics say it leads, or "" if none does now. */
  private String leaderOf(List<String> group) throws IOException, InterruptedException {
    for (String server : group) {
      if (Scrape.value(Scrape.metrics(cluster.metricsUrl(server)), "eraft_raft_is_leader") == 1) {
        return server;
      }
    }
    return "";
  }

  private static List<String> acknowledged(Path writes) throws IOException {
    return Files.readString(writes).lines().filter(l -> l.startsWith("ACK ")).map(l -> l.substring(4)).toList();
  }

  /** Reads every key in {@code keys}: each must hold exactly the value written to it. */
  private void assertEveryValue(List<String> keys, String suffix, String when) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", "-c", "for k in \"${@:2}\"; do"
        + " shardkv -ctrlers \"$1\" --timeout 30s --output json get \"$k\" || echo \"FAILED $k\"; done",
        "reader", cluster.ctrlerAddresses()));
    command.addAll(keys);
    Binaries.Result read = cluster.exec(command.toArray(String[]::new));
    StringBuilder expected = new StringBuilder();
    for (String key : keys) {
      String value = "value" + key.substring("key".length()) + suffix;
      expected.append("{\"op\":\"get\",\"key\":\"").append(key).append("\",\"value\":\"").append(value)
          .append("\",\"found\":true}\n");
    }
    assertEquals(expected.toString(), read.stdout(), "acknowledged writes read back, " + when + ": " + read);
  }

  private void prometheusScrapesEveryServer() throws Exception {
    Scrape.await("Prometheus scraping all 9 servers, each up", WAIT_LIMIT, () -> {
      Map<String, String> health = new TreeMap<>();
      for (Value target : prometheus("/api/v1/targets").getFieldsOrThrow("activeTargets").getListValue()
          .getValuesList()) {
        Struct t = target.getStructValue();
        health.put(t.getFieldsOrThrow("scrapeUrl").getStringValue(), t.getFieldsOrThrow("health").getStringValue());
      }
      return health;
    }, health -> health.size() == 9 && health.values().stream().allMatch("up"::equals));
    String rules = JsonFormat.printer().print(prometheus("/api/v1/rules"));
    assertTrue(rules.contains("EraftNodeDown"), "deploy/prometheus/alerts.yml is not loaded: " + rules);
  }

  private void dashboardShowsEveryServerHealthy() throws Exception {
    awaitHealthy("dashboard");
    Scrape.await("the dashboard showing all 9 servers healthy", WAIT_LIMIT, () -> {
      Scrape.Answer a = Scrape.get(cluster.dashboardUrl() + "/api/metrics");
      if (a.status() != 200) {
        return null; // its first look is not in yet
      }
      Struct.Builder metrics = Struct.newBuilder();
      JsonFormat.parser().merge(a.body(), metrics);
      return metrics.build();
    }, m -> m != null && m.getFieldsOrThrow("totalNodes").getNumberValue() == 9
        && m.getFieldsOrThrow("healthyNodes").getNumberValue() == 9);
  }

  private Struct prometheus(String path) throws Exception {
    Scrape.Answer a = Scrape.get(cluster.prometheusUrl() + path);
    assertEquals(200, a.status(), a.body());
    Struct.Builder body = Struct.newBuilder();
    JsonFormat.parser().merge(a.body(), body);
    return body.build().getFieldsOrThrow("data").getStructValue();
  }

  private Binaries.Result shardctl(String... args) throws IOException, InterruptedException {
    return client("shardctl", "-cluster", args);
  }

  private Binaries.Result shardkv(String... args) throws IOException, InterruptedException {
    return client("shardkv", "-ctrlers", args);
  }

  private Binaries.Result client(String binary, String ctrlersFlag, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(binary, ctrlersFlag, cluster.ctrlerAddresses(), "--timeout", "30s"));
    command.addAll(List.of(args));
    return cluster.exec(command.toArray(String[]::new));
  }

  private static void assertOutput(String expected, Binaries.Result result) {
    assertTrue(result.exit() == 0 && result.stdout().contains(expected), "expected '" + expected.strip() + "': " + result);
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
