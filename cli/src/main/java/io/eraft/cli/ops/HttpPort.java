package io.eraft.cli.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The small HTTP servers of the binaries (a server's operations port, the dashboard): binding
 * with one clear error, and answering a GET or HEAD with a text body. Stateless.
 */
public final class HttpPort {
  private HttpPort() {}

  /**
   * An {@link HttpServer} bound to {@code host:port} ({@code port} 0: any free port), not started,
   * handling requests on {@code threads} daemon threads named {@code threadName}.
   *
   * @param what what the port is for, as the error says it ("for metrics")
   * @param flag the flag that chooses the port, which the error names
   * @throws IOException naming the address and the flag to change if it cannot be bound
   */
  public static HttpServer bind(String host, int port, String what, String flag, int threads, String threadName)
      throws IOException {
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      String why = e instanceof BindException ? "address already in use or not local" : e.getMessage();
      throw new IOException("cannot listen " + what + " on " + host + ":" + port + " (" + why
          + "): stop the process using it or choose another " + flag, e);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(pool);
    return http;
  }

  /** Stops {@code http} at once, and its threads. */
  public static void stop(HttpServer http) {
    http.stop(0);
    if (http.getExecutor() instanceof ExecutorService pool) {
      pool.shutdownNow();
    }
  }

  /** Answers a GET or HEAD with {@code body}, any other method with 405; closes the exchange. */
  public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
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
}
