package io.eraft.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eraft.raft.health.HealthCheck;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** etcd's /livez and /readyz answers: status, verbose listing, exclusions, and the check counter. */
class HealthEndpointTest {
  private final AtomicReference<String> leaderFailure = new AtomicReference<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final HealthEndpoint readyz = new HealthEndpoint("readyz", () -> List.of(
      HealthCheck.of("serializable_read", () -> null),
      HealthCheck.of("has_leader", leaderFailure::get)), registry);

  @Test
  void healthyIsOkAndVerboseListsEveryCheck() {
    assertEquals(new HealthEndpoint.Answer(200, "ok\n"), readyz.answer(null));
    assertEquals(new HealthEndpoint.Answer(200, "[+]serializable_read ok\n[+]has_leader ok\nreadyz check passed\n"),
        readyz.answer("verbose"));
  }

  @Test
  void aFailedCheckIs503WithItsReason() {
    leaderFailure.set("no leader known in term 3");
    assertEquals(new HealthEndpoint.Answer(503,
        "[+]serializable_read ok\n[-]has_leader failed: no leader known in term 3\nreadyz check failed\n"),
        readyz.answer(""));
    assertEquals(1.0, registry.get("eraft.server.healthchecks").tags("type", "readyz", "name", "has_leader",
        "status", "failure").counter().count());
    assertEquals(1.0, registry.get("eraft.server.healthchecks").tags("type", "readyz", "name", "serializable_read",
        "status", "success").counter().count());
  }

  @Test
  void anExcludedCheckIsNotRunAndUnknownNamesAreReported() {
    leaderFailure.set("no leader known in term 3");
    assertEquals(new HealthEndpoint.Answer(200, "ok\n"), readyz.answer("exclude=has_leader"));
    assertEquals(new HealthEndpoint.Answer(200, "[+]serializable_read ok\n[+]has_leader excluded: ok\n"
        + "warn: some health checks cannot be excluded: no matches for \"nope\"\nreadyz check passed\n"),
        readyz.answer("verbose&exclude=nope&exclude=has_leader"));
    assertEquals(new HealthEndpoint.Answer(200, "ok\n"), readyz.answer("exclude=serializable_read%2Chas_leader"));
  }
}
