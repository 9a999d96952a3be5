package io.eraft.raft.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeaderCallerTest {
  private static final RetryPolicy FAST = new RetryPolicy(Duration.ofMillis(200), Duration.ZERO, Duration.ofMillis(5));

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<String> tried = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  /** A server that answers with a fixed reply, "" meaning "I am the leader". */
  private LeaderCaller.Attempt<String, String> answers(String leader) {
    return (server, timeout) -> {
      tried.add(server);
      return CompletableFuture.completedFuture(server.equals(leader) ? "" : "ErrWrongLeader");
    };
  }

  private static String notLeader(String reply) {
    return reply.isEmpty() ? null : reply;
  }

  @Test
  void findsTheLeaderAndStartsThereNextTime() {
    LeaderCaller<String> caller = new LeaderCaller<>(List.of("a", "b", "c"), List.of("a:1", "b:1", "c:1"), FAST,
        scheduler);
    assertEquals("", caller.call(answers("c"), LeaderCallerTest::notLeader, Duration.ofSeconds(10)).join());
    assertEquals(List.of("a", "b", "c"), tried);
    assertEquals(2, caller.leaderHint());
    tried.clear();
    caller.call(answers("c"), LeaderCallerTest::notLeader, Duration.ofSeconds(10)).join();
    assertEquals(List.of("c"), tried);
  }

  @Test
  void transportFailuresAndTimeoutsMoveOn() {
    LeaderCaller<String> caller = new LeaderCaller<>(List.of("down", "silent", "ok"), List.of("d:1", "s:1", "o:1"),
        FAST, scheduler);
    LeaderCaller.Attempt<String, String> attempt = (server, timeout) -> switch (server) {
      case "down" -> CompletableFuture.failedFuture(new RuntimeException("UNAVAILABLE: connection refused"));
      case "silent" -> new CompletableFuture<>();
      default -> CompletableFuture.completedFuture("");
    };
    assertEquals("", caller.call(attempt, LeaderCallerTest::notLeader, Duration.ofSeconds(10)).join());
    assertEquals(2, caller.leaderHint());
  }

  @Test
  void failsAfterTheDeadlineNamingEveryServerAndItsLastAnswer() {
    LeaderCaller<String> caller = new LeaderCaller<>(List.of("down", "follower"), List.of("10.0.0.1:5001",
        "10.0.0.2:5002"), FAST, scheduler);
    LeaderCaller.Attempt<String, String> attempt = (server, timeout) -> server.equals("down")
        ? CompletableFuture.failedFuture(new RuntimeException("UNAVAILABLE: connection refused"))
        : CompletableFuture.completedFuture("ErrWrongLeader");
    CompletionException e = assertThrows(CompletionException.class,
        () -> caller.call(attempt, LeaderCallerTest::notLeader, Duration.ofMillis(300)).join());
    ClusterUnavailableException failure = assertInstanceOf(ClusterUnavailableException.class, e.getCause());
    assertEquals("no server gave a usable answer within 300ms; tried 10.0.0.1:5001 (UNAVAILABLE: connection refused),"
        + " 10.0.0.2:5002 (ErrWrongLeader)", failure.getMessage());
  }

  @Test
  void aRequestEveryServerWouldRefuseFailsAtOnce() {
    LeaderCaller<String> caller = new LeaderCaller<>(List.of("a", "b"), List.of("a:1", "b:1"), FAST, scheduler);
    LeaderCaller.Attempt<String, String> attempt = (server, timeout) -> {
      tried.add(server);
      return CompletableFuture.failedFuture(Status.RESOURCE_EXHAUSTED.withDescription("message too large")
          .asRuntimeException());
    };
    CompletionException e = assertThrows(CompletionException.class,
        () -> caller.call(attempt, LeaderCallerTest::notLeader, Duration.ofSeconds(10)).join());
    assertInstanceOf(StatusRuntimeException.class, e.getCause());
    assertEquals(List.of("a"), tried);
  }

  @Test
  void anAttemptNeverOutlivesTheCallersDeadline() {
    LeaderCaller<String> caller = new LeaderCaller<>(List.of("silent"), List.of("s:1"),
        new RetryPolicy(Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO), scheduler);
    long start = System.nanoTime();
    CompletionException e = assertThrows(CompletionException.class, () -> caller.call(
        (server, timeout) -> new CompletableFuture<String>(), LeaderCallerTest::notLeader,
        Duration.ofMillis(200)).join());
    assertInstanceOf(ClusterUnavailableException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("s:1 (timed out)"), e.getCause().getMessage());
    // Liveness guard only: far below the 30 s attempt timeout the deadline must cut.
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos());
  }
}
