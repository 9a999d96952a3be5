package io.eraft.kvraft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The appends one test client made, in order — each acknowledged or indeterminate (its call gave
 * up: it may or may not have been applied) — and eRaft's checks of a value against them
 * ({@code checkClntAppends}, {@code checkConcurrentAppends}). Append j of client c carries eRaft's
 * unique value {@code "x c j y"}. Confined to its client's thread until handed to the checker.
 */
final class AppendLog {
  private static final Pattern VALUE = Pattern.compile("x (\\d+) (\\d+) y");

  private final int client;
  /** Per append number j: whether it was acknowledged. */
  private final List<Boolean> acknowledged = new ArrayList<>();

  AppendLog(int client) {
    this.client = client;
  }

  /** The value of append number {@code j} of {@code client}. */
  static String value(int client, int j) {
    return "x " + client + " " + j + " y";
  }

  /** The value the next append carries. */
  String next() {
    return value(client, acknowledged.size());
  }

  /** Records the outcome of the append of {@link #next()}. */
  void record(boolean wasAcknowledged) {
    acknowledged.add(wasAcknowledged);
  }

  int count() {
    return acknowledged.size();
  }

  /**
   * Checks that {@code value} is made only of appends by {@code writers}: each writer's appends in
   * the order made, none twice, every acknowledged one present, an indeterminate one at most once.
   * With no indeterminate appends and one writer this is eRaft's exact {@code v == last} check.
   */
  static void check(String value, Collection<AppendLog> writers) {
    Map<Integer, AppendLog> byClient = new HashMap<>();
    writers.forEach(w -> byClient.put(w.client, w));
    Map<Integer, Integer> lastSeen = new HashMap<>();
    Map<Integer, Set<Integer>> seen = new HashMap<>();
    Matcher m = VALUE.matcher(value);
    int consumed = 0;
    while (m.find()) {
      assertEquals(consumed, m.start(), () -> "unexpected text at offset " + m.start() + " of " + abbreviate(value));
      consumed = m.end();
      int c = Integer.parseInt(m.group(1));
      int j = Integer.parseInt(m.group(2));
      AppendLog writer = byClient.get(c);
      assertTrue(writer != null && j < writer.count(), () -> value(c, j) + " was never appended, in "
          + abbreviate(value));
      int previous = lastSeen.getOrDefault(c, -1);
      if (j <= previous) {
        fail((j == previous ? "duplicate " : "out of order ") + value(c, j) + " after " + value(c, previous)
            + " in " + abbreviate(value));
      }
      lastSeen.put(c, j);
      seen.computeIfAbsent(c, k -> new HashSet<>()).add(j);
    }
    int end = consumed;
    assertEquals(value.length(), end, () -> "unexpected text at offset " + end + " of " + abbreviate(value));
    for (AppendLog w : writers) {
      Set<Integer> present = seen.getOrDefault(w.client, Set.of());
      for (int j = 0; j < w.count(); j++) {
        int missing = j;
        assertTrue(!w.acknowledged.get(j) || present.contains(j), () -> "acknowledged " + value(w.client, missing)
            + " is missing from " + abbreviate(value));
      }
    }
  }

  private static String abbreviate(String value) {
    return value.length() <= 400 ? "'" + value + "'" : "'" + value.substring(0, 200) + " … "
        + value.substring(value.length() - 200) + "' (" + value.length() + " chars)";
  }
}
