package io.eraft.cli.ops;

import io.eraft.raft.health.HealthCheck;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code /livez} or {@code /readyz} with etcd's (and Kubernetes') semantics: runs the checks, answers
 * 200 {@code ok} when all pass and 503 when any fails; the body lists each check as {@code
 * [+]name ok} or {@code [-]name failed: reason} when asked ({@code ?verbose}) or when one failed;
 * {@code ?exclude=name} (repeatable, or comma-separated) skips a check. Counts each run check as
 * {@code eraft_server_healthchecks_total{type,name,status}}. Thread-safe.
 */
final class HealthEndpoint {
  record Answer(int status, String body) {}

  private final String type;
  private final Supplier<List<HealthCheck>> checks;
  private final MeterRegistry registry;

  /** @param type {@code livez} or {@code readyz} */
  HealthEndpoint(String type, Supplier<List<HealthCheck>> checks, MeterRegistry registry) {
    this.type = type;
    this.checks = checks;
    this.registry = registry;
  }

  /** Runs the checks for a request whose query string is {@code query} (may be null). */
  Answer answer(String query) {
    boolean verbose = false;
    Set<String> excluded = new LinkedHashSet<>();
    for (String parameter : query == null || query.isEmpty() ? new String[0] : query.split("&")) {
      String[] nameValue = parameter.split("=", 2);
      String name = decode(nameValue[0]);
      if (name.equals("verbose")) {
        verbose = true;
      } else if (name.equals("exclude") && nameValue.length == 2) {
        Arrays.stream(decode(nameValue[1]).split(",")).map(String::strip).filter(s -> !s.isEmpty())
            .forEach(excluded::add);
      }
    }
    StringBuilder listing = new StringBuilder();
    boolean healthy = true;
    Set<String> unmatched = new LinkedHashSet<>(excluded);
    for (HealthCheck check : checks.get()) {
      if (excluded.contains(check.name())) {
        unmatched.remove(check.name());
        listing.append("[+]").append(check.name()).append(" excluded: ok\n");
        continue;
      }
      String failure = check.failure();
      count(check.name(), failure == null);
      if (failure == null) {
        listing.append("[+]").append(check.name()).append(" ok\n");
      } else {
        healthy = false;
        listing.append("[-]").append(check.name()).append(" failed: ").append(failure).append('\n');
      }
    }
    if (!unmatched.isEmpty()) {
      listing.append("warn: some health checks cannot be excluded: no matches for ")
          .append(String.join(", ", quoted(unmatched))).append('\n');
    }
    if (healthy) {
      return new Answer(200, verbose ? listing + type + " check passed\n" : "ok\n");
    }
    return new Answer(503, listing + type + " check failed\n");
  }

  private void count(String name, boolean success) {
    Counter.builder("eraft.server.healthchecks").tag("type", type).tag("name", name)
        .tag("status", success ? "success" : "failure")
        .description("Health checks run by /livez and /readyz, by outcome").register(registry).increment();
  }

  private static List<String> quoted(Set<String> names) {
    List<String> quoted = new ArrayList<>();
    names.forEach(n -> quoted.add('"' + n + '"'));
    return quoted;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
