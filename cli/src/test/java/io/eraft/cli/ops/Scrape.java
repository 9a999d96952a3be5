package io.eraft.cli.ops;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A server's operations port as a test reads it: {@code /metrics} parsed into samples, and health answers. */
public final class Scrape {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
  private static final Duration WAIT_LIMIT = Duration.ofSeconds(90);

  /** One line of the text format. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** An HTTP answer. */
  public record Answer(int status, String contentType, String body) {}

  private Scrape() {}

  public static Answer get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
  }

  /** Every sample {@code baseUrl/metrics} exposes now. */
  public static List<Sample> metrics(String baseUrl) throws IOException, InterruptedException {
    Answer a = get(baseUrl + "/metrics");
    if (a.status() != 200) {
      fail(baseUrl + "/metrics answered " + a.status() + ": " + a.body());
    }
    List<Sample> samples = new ArrayList<>();
    for (String line : a.body().split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        fail("not a line of the Prometheus text format: " + line);
      }
      Map<String, String> labels = new TreeMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
    }
    return samples;
  }

  public static Set<String> names(List<Sample> samples) {
    Set<String> names = new TreeSet<>();
    samples.forEach(s -> names.add(s.name()));
    return names;
  }

  /** The value of the one sample named {@code name} whose labels include {@code labels} (name, value, ...). */
  public static double value(List<Sample> samples, String name, String... labels) {
    List<Sample> matching = samples.stream().filter(s -> s.name().equals(name) && has(s, labels)).toList();
    if (matching.size() != 1) {
      fail(matching.size() + " samples of " + name + " with labels " + List.of(labels) + ": " + matching);
    }
    return matching.get(0).value();
  }

  private static boolean has(Sample s, String... labels) {
    for (int i = 0; i < labels.length; i += 2) {
      if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
        return false;
      }
    }
    return true;
  }

  /** Reads something a test waits for; may throw. */
  @FunctionalInterface
  public interface Probe<T> {
    T read() throws Exception;
  }

  /**
   * Reads {@code probe} until {@code done} holds, and returns that reading: a liveness guard, failing
   * after {@code limit} with {@code what} and the last reading.
   */
  public static <T> T await(String what, Duration limit, Probe<T> probe, Predicate<T> done) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      T last = probe.read();
      if (done.test(last)) {
        return last;
      }
      if (System.nanoTime() > deadline) {
        String seen = String.valueOf(last);
        fail(what + ": not seen within " + limit + "; last: " + (seen.length() > 500 ? seen.substring(0, 500) + "..." : seen));
      }
      Thread.sleep(100);
    }
  }

  /** {@link #await(String, Duration, Probe, Predicate)} within 90 s. */
  public static <T> T await(String what, Probe<T> probe, Predicate<T> done) throws Exception {
    return await(what, WAIT_LIMIT, probe, done);
  }

  /** Waits (a liveness guard) until {@code baseUrl}'s metrics satisfy {@code condition}. */
  public static List<Sample> awaitMetrics(String baseUrl, String what, Predicate<List<Sample>> condition)
      throws Exception {
    return await(baseUrl + ": " + what, () -> metrics(baseUrl), condition);
  }

  /** Waits (a liveness guard) until {@code url} answers {@code status}; returns that answer. */
  public static Answer awaitStatus(String url, int status) throws Exception {
    return awaitAnswer(url, "status " + status, a -> a.status() == status);
  }

  /** Waits (a liveness guard) until {@code url}'s answer satisfies {@code wanted}; returns it. */
  public static Answer awaitAnswer(String url, String what, Predicate<Answer> wanted) throws Exception {
    return await(url + " answering with " + what, () -> get(url), wanted);
  }
}
