package io.eraft.cli.dashboard;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol (JSON messages on a WebSocket):
 * one page, JavaScript evaluated in it, screenshots. Started with the flags a closed network needs
 * (no background connections). Gson reads the protocol's JSON; it is on the classpath through grpc.
 */
final class HeadlessChromium implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on ws://([^/]+)/");
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private final Process process;
  private final Replies replies;
  private final WebSocket page;
  private final AtomicInteger ids = new AtomicInteger();

  private HeadlessChromium(Process process, Replies replies, WebSocket page) {
    this.process = process;
    this.replies = replies;
    this.page = page;
  }

  /** The browser, or null if none is installed. */
  static Path executable() {
    for (String candidate : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
      if (Files.isExecutable(Path.of(candidate))) {
        return Path.of(candidate);
      }
    }
    return null;
  }

  /** Starts the browser with a new profile in {@code profile} and opens {@code url} in a {@code width}x{@code height} page. */
  static HeadlessChromium open(Path executable, Path profile, String url, int width, int height)
      throws IOException, InterruptedException {
    Process process = new ProcessBuilder(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0", "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
        "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String devtools = devtoolsAddress(process);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> target = http.send(HttpRequest.newBuilder(
              URI.create("http://" + devtools + "/json/new?" + URLEncoder.encode(url, StandardCharsets.UTF_8)))
          .PUT(HttpRequest.BodyPublishers.noBody()).timeout(LIMIT).build(), HttpResponse.BodyHandlers.ofString());
      if (target.statusCode() != 200) {
        throw new IOException("chromium did not open a page: " + target.statusCode() + " " + target.body());
      }
      String socket = JsonParser.parseString(target.body()).getAsJsonObject().get("webSocketDebuggerUrl").getAsString();
      Replies replies = new Replies();
      WebSocket page = http.newWebSocketBuilder().buildAsync(URI.create(socket), replies)
          .get(LIMIT.toSeconds(), TimeUnit.SECONDS);
      return new HeadlessChromium(process, replies, page);
    } catch (IOException | InterruptedException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new IOException("could not connect to chromium's DevTools", e);
    }
  }

  /**
   * The value of {@code expression}, evaluated in the page (a promise is awaited); it must be
   * JSON-serializable.
   */
  JsonElement evaluate(String expression) throws IOException, InterruptedException {
    JsonObject params = new JsonObject();
    params.addProperty("expression", expression);
    params.addProperty("returnByValue", true);
    params.addProperty("awaitPromise", true);
    JsonObject result = call("Runtime.evaluate", params);
    if (result.has("exceptionDetails")) {
      throw new IOException("the page threw evaluating " + expression + ": " + result.get("exceptionDetails"));
    }
    return result.getAsJsonObject("result").get("value");
  }

  /** Writes a PNG of the page as it is now to {@code file}. */
  void screenshot(Path file) throws IOException, InterruptedException {
    JsonObject params = new JsonObject();
    params.addProperty("format", "png");
    String data = call("Page.captureScreenshot", params).get("data").getAsString();
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(data));
  }

  private JsonObject call(String method, JsonObject params) throws IOException, InterruptedException {
    int id = ids.incrementAndGet();
    JsonObject message = new JsonObject();
    message.addProperty("id", id);
    message.addProperty("method", method);
    message.add("params", params);
    CompletableFuture<JsonObject> reply = replies.expect(id);
    page.sendText(message.toString(), true);
    JsonObject answer;
    try {
      answer = reply.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("chromium did not answer " + method, e);
    } finally {
      replies.forget(id);
    }
    if (answer.has("error")) {
      throw new IOException("chromium refused " + method + ": " + answer.get("error"));
    }
    return answer.getAsJsonObject("result");
  }

  private static String devtoolsAddress(Process process) throws IOException {
    BufferedReader stderr = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = stderr.readLine()) != null) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> stderr.lines().forEach(ignored -> {}), "chromium-stderr");
        drain.setDaemon(true);
        drain.start();
        return m.group(1);
      }
      seen.append(line).append('\n');
    }
    throw new IOException("chromium exited before it listened for DevTools:\n" + seen);
  }

  @Override
  public void close() throws InterruptedException {
    page.abort();
    process.destroy();
    if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  /** The page's replies, matched to the calls by id; events are ignored. */
  private static final class Replies implements WebSocket.Listener {
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final StringBuilder partial = new StringBuilder();

    CompletableFuture<JsonObject> expect(int id) {
      return pending.computeIfAbsent(id, ignored -> new CompletableFuture<>());
    }

    void forget(int id) {
      pending.remove(id);
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonObject message = JsonParser.parseString(partial.toString()).getAsJsonObject();
        partial.setLength(0);
        if (message.has("id")) {
          expect(message.get("id").getAsInt()).complete(message);
        }
      }
      socket.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      pending.values().forEach(reply -> reply.completeExceptionally(error));
    }
  }
}
