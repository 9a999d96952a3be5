package io.eraft.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No two packages of the project depend on each other, directly or through others (STYLE: the
 * package layout shows the architecture; a cycle means two packages are really one, or a piece
 * sits on the wrong side). Reads the main sources of every module of the build, so a cycle
 * anywhere fails the raft module's tests.
 */
class PackageCyclesTest {
  private static final Path MODULES = Path.of("..");
  /** A reference to a project type: its package, then the type's capitalized name. */
  private static final Pattern REFERENCE = Pattern.compile("\\b(io\\.eraft(?:\\.[a-z][a-z0-9_]*)+)\\.[A-Z]");
  private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);

  @Test
  void noPackagesDependOnEachOtherInACycle() throws IOException {
    Map<String, Set<String>> dependencies = dependencies();
    assertTrue(dependencies.size() > 10, "read only " + dependencies.size() + " packages under "
        + MODULES.toAbsolutePath().normalize());
    assertEquals(List.of(), cycles(dependencies));
  }

  /** Each package's project packages it refers to, from imports and qualified names outside comments. */
  private static Map<String, Set<String>> dependencies() throws IOException {
    Map<String, Set<String>> dependencies = new TreeMap<>();
    List<Path> sources;
    try (Stream<Path> files = Files.walk(MODULES, 12)) {
      sources = files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> p.toString().replace('\\', '/').contains("/src/main/java/"))
          .toList();
    }
    for (Path source : sources) {
      String text = Files.readString(source);
      Matcher declared = PACKAGE.matcher(text);
      if (!declared.find()) {
        continue;
      }
      String pkg = declared.group(1);
      Set<String> uses = dependencies.computeIfAbsent(pkg, k -> new TreeSet<>());
      for (String line : text.split("\n")) {
        String code = line.strip();
        if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) {
          continue;
        }
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) {
          if (!m.group(1).equals(pkg)) {
            uses.add(m.group(1));
          }
        }
      }
    }
    return dependencies;
  }

  /** Tarjan's strongly connected components with more than one package, each as "a -> b -> ... ". */
  private static List<String> cycles(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<String> found = new ArrayList<>();
    int[] next = {0};
    for (String pkg : graph.keySet()) {
      if (!index.containsKey(pkg)) {
        connect(pkg, graph, index, low, stack, onStack, found, next);
      }
    }
    return found;
  }

  private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
      Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<String> found, int[] next) {
    index.put(v, next[0]);
    low.put(v, next[0]);
    next[0]++;
    stack.push(v);
    onStack.add(v);
    for (String w : graph.getOrDefault(v, Set.of())) {
      if (!graph.containsKey(w)) {
        continue; // a package of a library, or one only tests have
      }
      if (!index.containsKey(w)) {
        connect(w, graph, index, low, stack, onStack, found, next);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        found.add(String.join(" <-> ", component));
      }
    }
  }
}
