package io.eraft.cli.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.eraft.cli.ops.HttpPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * eRaft's dashboard over HTTP: {@code /api/dashboard}, {@code /api/topology}, {@code /api/metrics}
 * (JSON, {@code Access-Control-Allow-Origin: *}), the page at {@code /}, and {@code /livez}. A
 * collector thread looks at the cluster at once and then every update interval; requests are
 * answered from the last look, so a server that does not answer never holds up the page. Until
 * the first look is in, {@code /api/dashboard} waits for it (eRaft collects during the request),
 * and the others answer 503 {@code Data not ready}, as eRaft's do. Thread-safe.
 */
final class DashboardServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
  private static final String JSON = "application/json";
  private static final String TEXT = "text/plain; charset=utf-8";

  private final HttpServer http;
  private final ClusterCollector collector;
  private final ScheduledExecutorService collecting;
  private final CountDownLatch firstLook = new CountDownLatch(1);
  private final Duration firstLookWait;
  private final String page;
  private volatile DashboardJson latest;

  private DashboardServer(HttpServer http, ClusterCollector collector, Duration interval, Duration firstLookWait) {
    this.http = http;
    this.collector = collector;
    this.firstLookWait = firstLookWait;
    this.page = renderPage(interval);
    this.collecting = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dashboard-collector");
      t.setDaemon(true);
      return t;
    });
    http.createContext("/api/dashboard", exchange -> {
      DashboardJson answer = latest;
      api(exchange, DashboardJson::dashboard, answer != null ? answer : awaitFirstLook(), "Dashboard data not ready");
    });
    http.createContext("/api/topology", exchange -> api(exchange, DashboardJson::topology, latest, "Data not ready"));
    http.createContext("/api/metrics", exchange -> api(exchange, DashboardJson::metrics, latest, "Data not ready"));
    http.createContext("/livez", exchange -> HttpPort.respond(exchange, 200, TEXT, "ok\n"));
    http.createContext("/", this::page);
  }

  /**
   * Binds {@code host:port}, starts looking at the cluster every {@code interval}, and answers.
   *
   * @param firstLookWait how long {@code /api/dashboard} waits for the first look
   * @throws IOException naming the address if it cannot be bound
   */
  static DashboardServer listen(String host, int port, ClusterCollector collector, Duration interval,
      Duration firstLookWait) throws IOException {
    DashboardServer server = new DashboardServer(
        HttpPort.bind(host, port, "for the dashboard", "-port", 4, "dashboard-http"), collector, interval,
        firstLookWait);
    server.collecting.scheduleWithFixedDelay(server::look, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    server.http.start();
    return server;
  }

  int port() {
    return http.getAddress().getPort();
  }

  private void look() {
    try {
      latest = DashboardJson.of(collector.collect());
    } catch (RuntimeException e) {
      // A bug, not the cluster's state (servers that do not answer are part of a look); keep looking.
      LOG.error("could not look at the cluster", e);
    } finally {
      firstLook.countDown();
    }
  }

  private static void api(HttpExchange exchange, Function<DashboardJson, String> part, DashboardJson answer,
      String notReady) throws IOException {
    exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
    if (answer == null) {
      HttpPort.respond(exchange, 503, TEXT, notReady + "\n");
    } else {
      HttpPort.respond(exchange, 200, JSON, part.apply(answer) + "\n");
    }
  }

  /** Waits, up to the first-look wait, until the first look at the cluster is in; returns it, or null. */
  DashboardJson awaitFirstLook() {
    try {
      firstLook.await(firstLookWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return latest;
  }

  private void page(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (path.equals("/") || path.equals("/index.html")) {
      HttpPort.respond(exchange, 200, "text/html; charset=utf-8", page);
    } else {
      HttpPort.respond(exchange, 404, TEXT, "not found: this port serves the dashboard at /, /api/dashboard,"
          + " /api/topology, /api/metrics and /livez\n");
    }
  }

  /** The page, which asks for {@code /api/dashboard} every {@code interval}. */
  private static String renderPage(Duration interval) {
    try (InputStream in = DashboardServer.class.getResourceAsStream("dashboard.html")) {
      if (in == null) {
        throw new IllegalStateException("dashboard.html is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("{{REFRESH_MS}}", Long.toString(interval.toMillis()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    HttpPort.stop(http);
    collecting.shutdownNow();
    collector.close();
  }
}
