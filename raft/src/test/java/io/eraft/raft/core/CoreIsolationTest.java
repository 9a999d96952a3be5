package io.eraft.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * STYLE S1: the deterministic core imports nothing that blocks, keeps time, does I/O or talks to
 * the network or disk, so every run is reproducible from a seed.
 */
class CoreIsolationTest {
  private static final Path CORE_SOURCES = Path.of("src/main/java/io/eraft/raft/core");
  private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);
  private static final List<String> FORBIDDEN = List.of(
      "java.util.concurrent", "java.time", "java.io", "java.nio", "java.net", "java.lang.Thread",
      "io.grpc", "org.iq80", "org.fusesource", "io.micrometer", "io.eraft.raft.node", "io.eraft.raft.storage",
      "io.eraft.raft.transport");

  @Test
  void coreImportsNothingThatBlocksOrDoesIo() throws IOException {
    List<String> violations = new ArrayList<>();
    List<Path> sources;
    try (Stream<Path> files = Files.list(CORE_SOURCES)) {
      sources = files.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertFalse(sources.isEmpty(), "no core sources found under " + CORE_SOURCES.toAbsolutePath());
    for (Path source : sources) {
      Matcher m = IMPORT.matcher(Files.readString(source));
      while (m.find()) {
        String imported = m.group(2);
        for (String prefix : FORBIDDEN) {
          if (imported.startsWith(prefix)) {
            violations.add(source.getFileName() + " imports " + imported);
          }
        }
      }
    }
    assertEquals(List.of(), violations);
  }
}
