package io.eraft.cli.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.eraft.raft.health.HealthCheck;
import io.eraft.raft.health.ReplicaHealth;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
  private final ExecutorService threads;
  private final PrometheusMeterRegistry registry;
  private volatile ReplicaHealth health;

  private OpsServer(HttpServer http, ExecutorService threads, PrometheusMeterRegistry registry) {
    this.http = http;
    this.threads = threads;
    this.registry = registry;
    HealthEndpoint livez = new HealthEndpoint("livez", () -> checks(ReplicaHealth::live), registry);
    HealthEndpoint readyz = new HealthEndpoint("readyz", () -> checks(ReplicaHealth::ready), registry);
    http.createContext("/metrics", exchange -> respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape()));
    http.createContext("/livez", exchange -> health(exchange, livez));
    http.createContext("/healthz", exchange -> health(exchange, livez));
    http.createContext("/readyz", exchange -> health(exchange, readyz));
    http.createContext("/", exchange -> respond(exchange, 404, "text/plain; charset=utf-8",
        "not found: this port serves /metrics, /livez, /healthz and /readyz\n"));
  }

  /**
   * Binds {@code host:port} ({@code port} 0: any free port) and starts answering.
   *
   * @throws IOException naming the address and the flag to change if it cannot be bound
   */
  public static OpsServer listen(String host, int port, PrometheusMeterRegistry registry) throws IOException {
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      String why = e instanceof BindException ? "address already in use or not local" : e.getMessage();
      throw new IOException("cannot listen for metrics on " + host + ":" + port + " (" + why
          + "): stop the process using it or choose another --metrics-port", e);
    }
    ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "ops-http");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(threads);
    OpsServer server = new OpsServer(http, threads, registry);
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
    respond(exchange, answer.status(), "text/plain; charset=utf-8", answer.body());
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  /** Stops answering at once. */
  @Override
  public void close() {
    http.stop(0);
    threads.shutdownNow();
  }
}
