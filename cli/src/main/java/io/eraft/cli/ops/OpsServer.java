package io.eraft.cli.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.eraft.raft.health.HealthCheck;
import io.eraft.raft.health.ReplicaHealth;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;

/**
 * A server's operations port (HTTP): {@code /metrics} (Prometheus text format), {@code /livez}
 * (alias {@code /healthz}) and {@code /readyz} ({@link HealthEndpoint}). It binds when created, so
 * a port in use fails before the server touches its data, and answers 503 until {@link #serve}
 * hands it the replica's checks. Requests are handled on two daemon threads (a readiness check
 * may wait up to a second for a ReadIndex). Thread-safe.
 */
public final class OpsServer implements AutoCloseable {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final List<HealthCheck> STARTING =
      List.of(HealthCheck.of("started", () -> "the server is starting"));

  private final HttpServer http;
  private final PrometheusMeterRegistry registry;
  private volatile ReplicaHealth health;

  private OpsServer(HttpServer http, PrometheusMeterRegistry registry) {
    this.http = http;
    this.registry = registry;
    HealthEndpoint livez = new HealthEndpoint("livez", () -> checks(ReplicaHealth::live), registry);
    HealthEndpoint readyz = new HealthEndpoint("readyz", () -> checks(ReplicaHealth::ready), registry);
    http.createContext("/metrics", exchange -> HttpPort.respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape()));
    http.createContext("/livez", exchange -> health(exchange, livez));
    http.createContext("/healthz", exchange -> health(exchange, livez));
    http.createContext("/readyz", exchange -> health(exchange, readyz));
    http.createContext("/", exchange -> HttpPort.respond(exchange, 404, "text/plain; charset=utf-8",
        "not found: this port serves /metrics, /livez, /healthz and /readyz\n"));
  }

  /**
   * Binds {@code host:port} ({@code port} 0: any free port) and starts answering.
   *
   * @throws IOException naming the address and the flag to change if it cannot be bound
   */
  public static OpsServer listen(String host, int port, PrometheusMeterRegistry registry) throws IOException {
    HttpServer http = HttpPort.bind(host, port, "for metrics", "--metrics-port", 2, "ops-http");
    OpsServer server = new OpsServer(http, registry);
    http.start();
    return server;
  }

  /** From now on the health endpoints run {@code health}'s checks. */
  public void serve(ReplicaHealth health) {
    this.health = health;
  }

  /** The registry {@code /metrics} exposes. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  /** {@code http://host:port}, as operators and Prometheus reach it. */
  public String url() {
    return "http://" + http.getAddress().getHostString() + ":" + port();
  }

  private List<HealthCheck> checks(Function<ReplicaHealth, List<HealthCheck>> which) {
    ReplicaHealth current = health;
    return current == null ? STARTING : which.apply(current);
  }

  private static void health(HttpExchange exchange, HealthEndpoint endpoint) throws IOException {
    HealthEndpoint.Answer answer = endpoint.answer(exchange.getRequestURI().getRawQuery());
    HttpPort.respond(exchange, answer.status(), "text/plain; charset=utf-8", answer.body());
  }

  /** Stops answering at once. */
  @Override
  public void close() {
    HttpPort.stop(http);
  }
}
