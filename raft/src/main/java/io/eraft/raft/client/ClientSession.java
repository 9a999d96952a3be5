package io.eraft.raft.client;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A client's identity towards a replicated service (eRaft's Clerk ids): a random 63-bit client id
 * and increasing command ids, so servers apply each command once however often it is retried.
 * Commands run one at a time in call order — the next starts when the previous one has finished,
 * whatever its outcome — because the servers' duplicate tables assume one outstanding command per
 * client. A command's deadline counts from its submission, time spent queued included.
 * Thread-safe; never blocks.
 */
public final class ClientSession {
  private static final SecureRandom IDS = new SecureRandom();

  /** Sends one command with its id, to be answered by {@code deadlineNanos} ({@link System#nanoTime}). */
  @FunctionalInterface
  public interface Command<T> {
    CompletableFuture<T> send(long commandId, long deadlineNanos);
  }

  private final long clientId = IDS.nextLong() & Long.MAX_VALUE;
  private long nextCommandId; // guarded by this
  private CompletableFuture<?> tail = CompletableFuture.completedFuture(null); // guarded by this

  public long clientId() {
    return clientId;
  }

  /** Waits for a command's outcome, throwing its failure unwrapped (as the synchronous client methods do). */
  public static <T> T await(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Queues {@code command} behind the earlier ones, numbered after them. */
  public synchronized <T> CompletableFuture<T> submit(Duration deadline, Command<T> command) {
    long commandId = nextCommandId++;
    long deadlineNanos = System.nanoTime() + deadline.toNanos();
    CompletableFuture<T> result = tail.handle((ignored, error) -> null)
        .thenCompose(ignored -> command.send(commandId, deadlineNanos));
    tail = result;
    return result;
  }
}
