package io.eraft.cli.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import io.eraft.cli.Binaries;
import io.eraft.raft.cluster.FreePorts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One docker-compose project of {@code deploy/compose.yaml}, with a name of its own and every port a
 * free one of 127.0.0.1 (set through the file's variables), so runs side by side do not collide.
 */
final class ComposeCluster {
  static final Path COMPOSE_FILE = Path.of("..", "deploy", "compose.yaml").toAbsolutePath().normalize();
  static final List<String> CTRLERS = List.of("shardctrler-0", "shardctrler-1", "shardctrler-2");
  static final List<String> GROUP_100 = List.of("shardkv-100-0", "shardkv-100-1", "shardkv-100-2");
  static final List<String> GROUP_101 = List.of("shardkv-101-0", "shardkv-101-1", "shardkv-101-2");
  private static final Duration COMMAND_LIMIT = Duration.ofMinutes(3);

  final String project = "eraft-it-" + UUID.randomUUID().toString().substring(0, 8);
  private final Map<String, Integer> grpcPorts = new LinkedHashMap<>();
  private final Map<String, Integer> metricsPorts = new LinkedHashMap<>();
  private final int prometheusPort;
  private final int dashboardPort;
  private final Commands commands;
  private final Map<String, String> containers = new HashMap<>();

  ComposeCluster(Path logs, String eraftImage, String prometheusImage) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ERAFT_IMAGE", eraftImage);
    env.put("PROMETHEUS_IMAGE", prometheusImage);
    for (int i = 0; i < 3; i++) {
      ports(env, CTRLERS.get(i), "ERAFT_CTRLER", i);
      ports(env, GROUP_100.get(i), "ERAFT_G100", i);
      ports(env, GROUP_101.get(i), "ERAFT_G101", i);
    }
    prometheusPort = freePort();
    env.put("PROMETHEUS_PORT", Integer.toString(prometheusPort));
    dashboardPort = freePort();
    env.put("ERAFT_DASHBOARD_PORT", Integer.toString(dashboardPort));
    commands = new Commands(logs, env);
  }

  private void ports(Map<String, String> env, String service, String prefix, int node) throws IOException {
    grpcPorts.put(service, freePort());
    metricsPorts.put(service, freePort());
    env.put(prefix + "_PORT_" + node, grpcPorts.get(service).toString());
    env.put(prefix + "_METRICS_PORT_" + node, metricsPorts.get(service).toString());
  }

  /** A free port not yet given to another server of this project. */
  private int freePort() throws IOException {
    int port;
    do {
      port = FreePorts.pick();
    } while (grpcPorts.containsValue(port) || metricsPorts.containsValue(port));
    return port;
  }

  static List<String> servers() {
    List<String> all = new ArrayList<>(CTRLERS);
    all.addAll(GROUP_100);
    all.addAll(GROUP_101);
    return all;
  }

  /** The controllers' addresses, as a client's {@code -ctrlers} flag takes them. */
  String ctrlerAddresses() {
    return String.join(",", CTRLERS.stream().map(s -> "127.0.0.1:" + grpcPorts.get(s)).toList());
  }

  String metricsUrl(String service) {
    return "http://127.0.0.1:" + metricsPorts.get(service);
  }

  String dashboardUrl() {
    return "http://127.0.0.1:" + dashboardPort;
  }

  String prometheusUrl() {
    return "http://127.0.0.1:" + prometheusPort;
  }

  /** {@code docker-compose <args>} on this project, which must succeed; its standard output. */
  String compose(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("docker-compose", "-p", project, "-f", COMPOSE_FILE.toString()));
    command.addAll(List.of(args));
    return commands.check(COMMAND_LIMIT, command.toArray(String[]::new));
  }

  /** The id of the service's container, which stays the same through a kill and a start. */
  String container(String service) throws IOException, InterruptedException {
    String id = containers.get(service);
    if (id == null) {
      id = compose("ps", "-q", service).strip();
      if (id.isEmpty()) {
        fail("no container of " + service + " in project " + project);
      }
      containers.put(service, id);
    }
    return id;
  }

  /** {@code docker inspect} of the service's container, formatted by {@code template}. */
  String inspect(String service, String template) throws IOException, InterruptedException {
    return commands.check(COMMAND_LIMIT, "docker", "inspect", "-f", template, container(service)).strip();
  }

  /** Runs {@code command} in the first controller's container (every binary is in the image). */
  Binaries.Result exec(String... command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(List.of("docker", "exec", container(CTRLERS.get(0))));
    full.addAll(List.of(command));
    return commands.run(COMMAND_LIMIT, full);
  }

  /** As {@link #exec}, in the background, its standard output and error into {@code out}. */
  Process startExec(Path out, String... command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(List.of("docker", "exec", container(CTRLERS.get(0))));
    full.addAll(List.of(command));
    return new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(out.toFile()).start();
  }

  /** SIGKILL to the service's server (a crash; its volume stays). */
  void kill(String service) throws IOException, InterruptedException {
    commands.check(COMMAND_LIMIT, "docker", "kill", "-s", "KILL", container(service));
  }

  void start(String service) throws IOException, InterruptedException {
    commands.check(COMMAND_LIMIT, "docker", "start", container(service));
  }

  /** What to read when something failed: the containers' states and the end of each one's log. */
  String diagnostics() throws IOException, InterruptedException {
    List<String> base = List.of("docker-compose", "-p", project, "-f", COMPOSE_FILE.toString());
    List<String> ps = new ArrayList<>(base);
    ps.add("ps");
    List<String> logs = new ArrayList<>(base);
    logs.addAll(List.of("logs", "--no-color", "--tail", "40"));
    return commands.run(COMMAND_LIMIT, ps).stdout() + commands.run(COMMAND_LIMIT, logs).stdout();
  }

  /** Stops and removes every container, network and volume of the project. */
  void down() throws IOException, InterruptedException {
    compose("down", "--volumes", "--remove-orphans", "--timeout", "10");
  }
}
