package io.eraft.raft.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md §3 durability: nothing a synced save acknowledged is lost when the process is killed
 * with SIGKILL in the middle of writing, and the log it leaves opens and validates.
 */
class LevelDbLogStoreKillTest {
  private static final long SYNCED_BEFORE_KILL = 200;
  private static final long LIVENESS_SECONDS = 60;

  @TempDir Path dir;

  @Test
  void everySyncedSaveSurvivesSigkill() throws Exception {
    Path storeDir = dir.resolve("raft-log");
    Path stderr = dir.resolve("child-stderr.txt");
    AtomicLong lastSynced = new AtomicLong();
    CountDownLatch enoughOrEof = new CountDownLatch(1);
    AtomicBoolean killed = new AtomicBoolean();
    Process child = startChild(storeDir, stderr);
    ExecutorService readerThread = Executors.newSingleThreadExecutor();
    try {
      Future<?> reader = readerThread.submit(() -> {
        readReports(child, killed, lastSynced, enoughOrEof);
        return null;
      });
      assertTrue(enoughOrEof.await(LIVENESS_SECONDS, TimeUnit.SECONDS), "child made no progress");
      assertTrue(lastSynced.get() >= SYNCED_BEFORE_KILL,
          () -> "child stopped at synced " + lastSynced + ": " + read(stderr));

      killed.set(true);
      child.destroyForcibly();

      assertTrue(child.waitFor(LIVENESS_SECONDS, TimeUnit.SECONDS), "child survived SIGKILL");
      reader.get(LIVENESS_SECONDS, TimeUnit.SECONDS);
    } finally {
      child.destroyForcibly();
      readerThread.shutdownNow();
    }

    try (LogStore store = LevelDbLogStore.open(storeDir)) {
      long synced = lastSynced.get();
      assertTrue(store.lastIndex() >= synced, "lost synced entries after " + store.lastIndex());
      for (long i = 1; i <= store.lastIndex(); i++) {
        assertEquals(LogStoreKillTarget.entryAt(i), store.entries(i, i + 1, 0).get(0));
      }
      assertTrue(store.hardState().term() >= LogStoreKillTarget.termOf(synced));
      assertTrue(store.hardState().commit() >= synced - 1);
    }
  }

  private static Process startChild(Path storeDir, Path stderr) throws IOException {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        LogStoreKillTarget.class.getName(), storeDir.toString())
        .redirectError(stderr.toFile())
        .start();
  }

  /**
   * Records the highest "synced N" line; releases the latch at the target or at end of stream.
   * Killing the child closes its output pipe under a blocked read (the JDK's destroy closes the
   * streams), so a read failure after the kill is the end of the stream; lines lost then only make
   * the check weaker, never wrong.
   */
  private static void readReports(Process child, AtomicBoolean killed, AtomicLong lastSynced, CountDownLatch latch)
      throws IOException {
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith(LogStoreKillTarget.SYNCED)) {
          lastSynced.set(Long.parseLong(line.substring(LogStoreKillTarget.SYNCED.length())));
          if (lastSynced.get() >= SYNCED_BEFORE_KILL) {
            latch.countDown();
          }
        }
      }
    } catch (IOException e) {
      if (!killed.get()) {
        throw e;
      }
    } finally {
      latch.countDown();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(no stderr: " + e + ")";
    }
  }
}
