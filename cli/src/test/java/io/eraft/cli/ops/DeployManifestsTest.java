package io.eraft.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.eraft.cli.Cli;
import io.eraft.cli.ctrler.ShardCtlCommand;
import io.eraft.cli.ctrler.ShardCtrlerCommand;
import io.eraft.cli.dashboard.DashboardCommand;
import io.eraft.cli.kv.KvServerCommand;
import io.eraft.cli.shardkv.ShardKvServerCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code deploy/k8s} and {@code deploy/systemd} against the binaries they run: every command line
 * parses with the binary's real flags; each pod's ports are its own address's and its metrics
 * port; probes go to {@code /livez} and {@code /readyz} on that port; every StatefulSet has a
 * headless Service that publishes not-ready pods, a PodDisruptionBudget of one, resource requests
 * and its data on a volume; every unit passes {@code systemd-analyze verify} without a remark and
 * is hardened.
 */
class DeployManifestsTest {
  private static final Path K8S = DeployConfigTest.DEPLOY.resolve("k8s");
  private static final Path SYSTEMD = DeployConfigTest.DEPLOY.resolve("systemd");
  private static final Map<String, Supplier<Object>> SERVERS = Map.of("shardctrler", ShardCtrlerCommand::new,
      "shardkvserver", ShardKvServerCommand::new, "kvserver", KvServerCommand::new);
  private static final Pattern EXEC = Pattern.compile("exec (\\S+) (.+)");

  @TempDir Path tmp;

  @Test
  void everyStatefulSetRunsAServerWithItsOwnAddressPortsProbesVolumeAndBudget() throws IOException {
    Map<String, List<Map<String, Object>>> byKind = manifests();
    List<Map<String, Object>> sets = byKind.getOrDefault("StatefulSet", List.of());
    assertEquals(Set.of("eraft-shardctrler", "eraft-shardkv-100", "eraft-shardkv-101"), names(sets));
    for (Map<String, Object> set : sets) {
      String name = name(set);
      Map<String, Object> spec = map(set, "spec");
      assertEquals(3, spec.get("replicas"), name);
      assertEquals("Parallel", spec.get("podManagementPolicy"), name + ": a new group needs all its nodes");
      Map<String, Object> pod = map(map(spec, "template"), "spec");
      Map<String, Object> container = list(pod, "containers").get(0);
      assertEquals("eraft:latest", container.get("image"), name);
      Map<String, String> env = env(container);
      String exec = shellExec(container);
      Matcher m = EXEC.matcher(exec);
      assertTrue(m.matches(), exec);
      String binary = m.group(1);
      List<String> args = words(m.group(2).replace("${HOSTNAME##*-}", "1"), env);
      parsed(binary, args);
      int id = Integer.parseInt(flag(args, "-id"));
      String own = flag(args, "-cluster").split(",")[id];
      assertEquals(name + "-" + id + "." + spec.get("serviceName") + ":" + port(container, "grpc"), own,
          name + ": pod " + id + "'s address");
      assertEquals(Integer.toString(port(container, "metrics")), flag(args, "--metrics-port"), name);
      for (String[] probe : new String[][] {{"livenessProbe", "/livez"}, {"readinessProbe", "/readyz"},
          {"startupProbe", "/livez"}}) {
        Map<String, Object> http = map(map(container, probe[0]), "httpGet");
        assertEquals(List.of(probe[1], "metrics"), List.of(http.get("path"), http.get("port")), name + " " + probe[0]);
      }
      assertTrue(map(map(container, "resources"), "requests").keySet().containsAll(List.of("cpu", "memory")), name);
      String db = flag(args, "-db");
      assertTrue(list(container, "volumeMounts").stream().anyMatch(v -> v.get("name").equals("data")
          && db.startsWith(v.get("mountPath") + "/")), name + ": -db " + db + " is not on the data volume");
      assertEquals("data", map(list(spec, "volumeClaimTemplates").get(0), "metadata").get("name"), name);
      assertEquals(Boolean.TRUE, map(pod, "securityContext").get("runAsNonRoot"), name);

      Map<String, Object> service = named(byKind.get("Service"), (String) spec.get("serviceName"));
      assertEquals("None", map(service, "spec").get("clusterIP"), name);
      assertEquals(Boolean.TRUE, map(service, "spec").get("publishNotReadyAddresses"), name);
      Map<String, Object> selector = map(map(spec, "selector"), "matchLabels");
      assertEquals(selector, map(service, "spec").get("selector"), name);
      Map<String, Object> budget = named(byKind.get("PodDisruptionBudget"), name);
      assertEquals(1, map(budget, "spec").get("maxUnavailable"), name);
      assertEquals(selector, map(map(budget, "spec"), "selector").get("matchLabels"), name);
    }
  }

  @Test
  void theJoinJobJoinsEveryGroupWithItsPodsAddresses() throws IOException {
    Map<String, List<Map<String, Object>>> byKind = manifests();
    Map<String, Object> job = named(byKind.get("Job"), "eraft-join-groups");
    Map<String, Object> container = list(map(map(map(job, "spec"), "template"), "spec"), "containers").get(0);
    Map<String, String> env = env(container);
    String script = ((List<?>) container.get("args")).get(0).toString();
    for (String line : script.split("\n")) {
      int at = line.indexOf("shardctl ");
      if (at >= 0) {
        String call = line.substring(at + "shardctl ".length()).replaceAll("\\).*$", "").replaceAll("; fi$", "");
        parsed("shardctl", words(call.replace("$joins", "100=$GROUP_100 101=$GROUP_101"), env));
      }
    }
    for (int gid : List.of(100, 101)) {
      Map<String, Object> set = named(byKind.get("StatefulSet"), "eraft-shardkv-" + gid);
      Map<String, Object> groupContainer = list(map(map(map(set, "spec"), "template"), "spec"), "containers").get(0);
      assertEquals(env(groupContainer).get("CLUSTER"), env.get("GROUP_" + gid), "group " + gid + "'s addresses");
      assertEquals(env(groupContainer).get("CTRLERS"), env.get("CTRLERS"));
    }
  }

  @Test
  void theDashboardReadsTheControllersTheGroupsUseAndIsProbed() throws IOException {
    Map<String, List<Map<String, Object>>> byKind = manifests();
    Map<String, Object> deployment = named(byKind.get("Deployment"), "eraft-dashboard");
    Map<String, Object> pod = map(map(map(deployment, "spec"), "template"), "spec");
    Map<String, Object> container = list(pod, "containers").get(0);
    assertEquals("eraft:latest", container.get("image"));
    assertEquals(List.of("dashboard"), container.get("command"));
    Map<String, String> env = env(container);
    List<String> args = ((List<?>) container.get("args")).stream()
        .map(a -> a.toString().replace("$(CTRLERS)", env.get("CTRLERS"))).toList();
    parsed("dashboard", args);
    assertEquals(Integer.toString(port(container, "http")), flag(args, "-port"));
    Map<String, Object> groupContainer = list(map(map(map(named(byKind.get("StatefulSet"), "eraft-shardkv-100"),
        "spec"), "template"), "spec"), "containers").get(0);
    assertEquals(env(groupContainer).get("CTRLERS"), flag(args, "-config-addrs"));
    for (String probe : List.of("livenessProbe", "readinessProbe")) {
      Map<String, Object> http = map(map(container, probe), "httpGet");
      assertEquals(List.of("/livez", "http"), List.of(http.get("path"), http.get("port")), probe);
    }
    assertTrue(map(map(container, "resources"), "requests").keySet().containsAll(List.of("cpu", "memory")));
    assertEquals(Boolean.TRUE, map(pod, "securityContext").get("runAsNonRoot"));
    Map<String, Object> service = named(byKind.get("Service"), "eraft-dashboard");
    assertEquals(map(map(deployment, "spec"), "selector").get("matchLabels"), map(service, "spec").get("selector"));
  }

  @Test
  void everySystemdUnitVerifiesRunsItsBinaryWithRealFlagsAndIsHardened() throws Exception {
    List<String> units;
    try (Stream<Path> files = Files.list(SYSTEMD)) {
      units = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("@.service")).sorted().toList();
    }
    assertEquals(List.of("eraft-kvserver@.service", "eraft-shardctrler@.service", "eraft-shardkvserver@.service"),
        units);
    for (String unit : units) {
      String name = unit.substring("eraft-".length(), unit.indexOf('@'));
      String text = Files.readString(SYSTEMD.resolve(unit));
      Map<String, String> env = envFile(SYSTEMD.resolve(name + ".env"));
      String execStart = value(text, "ExecStart");
      assertTrue(execStart.startsWith("/opt/eraft/bin/" + name + " "), execStart);
      parsed(name, words(execStart.substring(execStart.indexOf(' ') + 1).replace("%i", "2"), env));
      for (String setting : List.of("NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
          "PrivateTmp=yes", "ReadWritePaths=/var/lib/eraft", "SuccessExitStatus=143", "User=eraft",
          "EnvironmentFile=/etc/eraft/" + name + ".env", "CapabilityBoundingSet=")) {
        assertTrue(text.lines().anyMatch(setting::equals), unit + " lacks " + setting);
      }
    }
    assertEquals("", systemdAnalyzeVerify(units));
  }

  /** systemd-analyze verify on an instance of each unit, in a root holding the units, the binaries and the env files. */
  private String systemdAnalyzeVerify(List<String> units) throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    Path systemUnits = Path.of("/usr/lib/systemd/system");
    assumeTrue(Files.isExecutable(analyze) && Files.isDirectory(systemUnits), "systemd-analyze is not installed");
    Path root = tmp.resolve("root");
    Path bin = Files.createDirectories(root.resolve("opt/eraft/bin"));
    Path etc = Files.createDirectories(root.resolve("etc/eraft"));
    Path system = Files.createDirectories(root.resolve("etc/systemd/system"));
    Process copy = new ProcessBuilder("cp", "-a", systemUnits.toString(),
        Files.createDirectories(root.resolve("usr/lib/systemd")).toString()).start();
    assertTrue(copy.waitFor(60, TimeUnit.SECONDS) && copy.exitValue() == 0, "cp failed");
    List<String> command = new ArrayList<>(List.of(analyze.toString(), "verify", "--root=" + root));
    for (String unit : units) {
      String name = unit.substring("eraft-".length(), unit.indexOf('@'));
      Files.copy(SYSTEMD.resolve(unit), system.resolve(unit));
      Files.copy(SYSTEMD.resolve(name + ".env"), etc.resolve(name + ".env"));
      Path executable = Files.writeString(bin.resolve(name), "#!/bin/sh\n");
      assertTrue(executable.toFile().setExecutable(true));
      command.add(unit.replace("@", "@0"));
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze did not finish");
    return p.exitValue() == 0 ? output : "exit " + p.exitValue() + ": " + output;
  }

  /** Parses {@code args} with {@code binary}'s own flags, failing with its error if it refuses them. */
  private static void parsed(String binary, List<String> args) {
    Supplier<Object> factory = switch (binary) {
      case "shardctl" -> ShardCtlCommand::new;
      case "dashboard" -> DashboardCommand::new;
      default -> SERVERS.get(binary);
    };
    if (factory == null) {
      fail("not one of the binaries: " + binary);
    }
    Object command = factory.get();
    StringWriter err = new StringWriter();
    try {
      Cli.commandLine(command, new PrintWriter(new StringWriter()), new PrintWriter(err)).parseArgs(
          args.toArray(String[]::new));
    } catch (RuntimeException e) {
      fail(binary + " refuses " + args + ": " + e.getMessage());
    }
  }

  /** Splits a command line as sh would after substituting {@code $VAR} and {@code "${VAR}"} from {@code env}. */
  private static List<String> words(String line, Map<String, String> env) {
    String expanded = line;
    for (Map.Entry<String, String> e : env.entrySet()) {
      expanded = expanded.replace("${" + e.getKey() + "}", e.getValue()).replace("$" + e.getKey(), e.getValue());
    }
    assertTrue(!expanded.contains("$"), "unexpanded variable in: " + expanded);
    List<String> words = new ArrayList<>();
    for (String w : expanded.trim().split("\\s+")) {
      words.add(w.replace("\"", ""));
    }
    return words;
  }

  private static String flag(List<String> args, String name) {
    int at = args.indexOf(name);
    assertTrue(at >= 0 && at + 1 < args.size(), name + " missing from " + args);
    return args.get(at + 1);
  }

  /** The script's last line, which must exec the server. */
  private static String shellExec(Map<String, Object> container) {
    assertEquals(List.of("sh", "-c"), container.get("command"));
    List<String> lines = ((List<?>) container.get("args")).get(0).toString().trim().lines().toList();
    return lines.get(lines.size() - 1);
  }

  private static int port(Map<String, Object> container, String name) {
    return (Integer) list(container, "ports").stream().filter(p -> p.get("name").equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no port " + name)).get("containerPort");
  }

  private static Map<String, String> env(Map<String, Object> container) {
    Map<String, String> env = new HashMap<>();
    list(container, "env").forEach(e -> env.put((String) e.get("name"), (String) e.get("value")));
    return env;
  }

  private static Map<String, String> envFile(Path file) throws IOException {
    Map<String, String> env = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
    return env;
  }

  private static String value(String unit, String key) {
    return unit.lines().filter(l -> l.startsWith(key + "=")).findFirst()
        .orElseThrow(() -> new AssertionError("no " + key)).substring(key.length() + 1);
  }

  private static Map<String, List<Map<String, Object>>> manifests() throws IOException {
    Map<String, List<Map<String, Object>>> byKind = new HashMap<>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        for (Object doc : new Yaml().loadAll(Files.readString(file))) {
          @SuppressWarnings("unchecked")
          Map<String, Object> manifest = (Map<String, Object>) doc;
          byKind.computeIfAbsent((String) manifest.get("kind"), k -> new ArrayList<>()).add(manifest);
        }
      }
    }
    return byKind;
  }

  private static Map<String, Object> named(List<Map<String, Object>> manifests, String name) {
    return manifests.stream().filter(m -> name(m).equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no manifest named " + name));
  }

  private static Set<String> names(List<Map<String, Object>> manifests) {
    Set<String> names = new TreeSet<>();
    manifests.forEach(m -> names.add(name(m)));
    return names;
  }

  private static String name(Map<String, Object> manifest) {
    return (String) map(manifest, "metadata").get("name");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertTrue(value instanceof Map, key + " is not a map in " + parent.keySet());
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertTrue(value instanceof List, key + " is not a list in " + parent.keySet());
    return (List<Map<String, Object>>) value;
  }
}
