package io.eraft.raft.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Leader seeking on scripted servers: which servers are tried in which order, and what the errors say. */
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

  private static Retry notLeader(String reply) {
    return reply.isEmpty() ? null : Retry.because(reply);
  }

  /** A reply "ErrWrongLeader leader-address" names a leader. */
  private static Retry namedLeader(String reply) {
    if (reply.isEmpty()) {
      return null;
    }
    String[] parts = reply.split(" ", 2);
    return Retry.toLeader(parts[0], parts.length > 1 ? parts[1] : "");
  }

  private static StatusRuntimeException refused() {
    return Status.UNAVAILABLE.withDescription("io exception")
        .withCause(new ConnectException("finishConnect(..) failed with error(-111): Connection refused"))
        .asRuntimeException();
  }

  @Test
  void findsTheLeaderAndStartsThereNextTime() {
    LeaderCaller<String> caller =
        new LeaderCaller<>(List.of("a", "b", "c"), List.of("a:1", "b:1", "c:1"), null, FAST, scheduler);
    assertEquals("", caller.call(answers("c"), LeaderCallerTest::notLeader, Duration.ofSeconds(10)).join());
    assertEquals(List.of("a", "b", "c"), tried);
    assertEquals(2, caller.leaderHint());
    tried.clear();
    caller.call(answers("c"), LeaderCallerTest::notLeader, Duration.ofSeconds(10)).join();
    assertEquals(List.of("c"), tried);
  }

  @Test
  void goesStraightToTheLeaderAReplyNames() {
    LeaderCaller<String> caller =
        new LeaderCaller<>(List.of("a", "b", "c"), List.of("a:1", "b:1", "c:1"), null, FAST, scheduler);
    LeaderCaller.Attempt<String, String> attempt = (server, timeout) -> {
      tried.add(server);
      return CompletableFuture.completedFuture(server.equals("c") ? "" : "ErrWrongLeader c:1");
    };
    assertEquals("", caller.call(attempt, LeaderCallerTest::namedLeader, Duration.ofSeconds(10)).join());
    assertEquals(List.of("a", "c"), tried);
    assertEquals(2, caller.leaderHint());
  }

  @Test
  void aNamedLeaderMissingFromTheServersIsAddedForGood() {
    List<String> connected = new CopyOnWriteArrayList<>();
    Function<String, String> connect = address -> {
      connected.add(address);
      return "endpoint of " + address;
    };
    LeaderCaller<String> caller = new LeaderCaller<>(List.of("endpoint of f:1"), List.of("f:1"), connect, FAST,
        scheduler);
    LeaderCaller.Attempt<String, String> attempt = (server, timeout) -> {
      tried.add(server);
      return CompletableFuture.completedFuture(server.equals("endpoint of l:1") ? "" : "ErrWrongLeader l:1");
    };
    assertEquals("", caller.call(attempt, LeaderCallerTest::namedLeader, Duration.ofSeconds(10)).join());
    assertEquals(List.of("endpoint of f:1", "endpoint of l:1"), tried);
    assertEquals(List.of("f:1", "l:1"), caller.addresses());
    assertEquals(List.of("endpoint of f:1", "endpoint of l:1"), caller.endpoints());
    assertEquals(1, caller.leaderHint());

    // The next call starts at the added leader; when it sends the client back to the follower,
    // which names it again, nothing is added twice.
    tried.clear();
    LeaderCaller.Attempt<String, String> movedAndBack = (server, timeout) -> {
      tried.add(server);
      return CompletableFuture.completedFuture(tried.size() < 3
          ? "ErrWrongLeader " + (server.equals("endpoint of l:1") ? "f:1" : "l:1") : "");
    };
    assertEquals("", caller.call(movedAndBack, LeaderCallerTest::namedLeader, Duration.ofSeconds(10)).join());
    assertEquals(List.of("endpoint of l:1", "endpoint of f:1", "endpoint of l:1"), tried);
    assertEquals(List.of("l:1"), connected);
  }

  @Test
  void withoutAWayToConnectAnUnknownLeaderIsPassedOver() {
    LeaderCaller<String> caller = new LeaderCaller<>(List.of("a", "b"), List.of("a:1", "b:1"), null, FAST,
        scheduler);
    LeaderCaller.Attempt<String, String> attempt = (server, timeout) -> {
      tried.add(server);
      return CompletableFuture.completedFuture(server.equals("b") ? "" : "ErrWrongLeader elsewhere:1");
    };
    assertEquals("", caller.call(attempt, LeaderCallerTest::namedLeader, Duration.ofSeconds(10)).join());
    assertEquals(List.of("a", "b"), tried);
    assertEquals(List.of("a:1", "b:1"), caller.addresses());
  }

  @Test
  void transportFailuresAndTimeoutsMoveOn() {
    LeaderCaller<String> caller = new LeaderCaller<>(List.of("down", "silent", "ok"), List.of("d:1", "s:1", "o:1"),
        null, FAST, scheduler);
    LeaderCaller.Attempt<String, String> attempt = (server, timeout) -> switch (server) {
      case "down" -> CompletableFuture.failedFuture(refused());
      case "silent" -> new CompletableFuture<>();
      default -> CompletableFuture.completedFuture("");
    };
    assertEquals("", caller.call(attempt, LeaderCallerTest::notLeader, Duration.ofSeconds(10)).join());
    assertEquals(2, caller.leaderHint());
  }

  @Test
  void failsAfterTheDeadlineNamingEveryServerAndItsLastAnswer() {
    LeaderCaller<String> caller = new LeaderCaller<>(List.of("down", "follower"), List.of("10.0.0.1:5001",
        "10.0.0.2:5002"), null, FAST, scheduler);
    LeaderCaller.Attempt<String, String> attempt = (server, timeout) -> server.equals("down")
        ? CompletableFuture.failedFuture(refused())
        : CompletableFuture.completedFuture("ErrWrongLeader");
    long start = System.nanoTime();
    CompletionException e = assertThrows(CompletionException.class,
        () -> caller.call(attempt, LeaderCallerTest::notLeader, Duration.ofMillis(300)).join());
    assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos(), "failed before its deadline");
    ClusterUnavailableException failure = assertInstanceOf(ClusterUnavailableException.class, e.getCause());
    assertEquals("no server gave a usable answer within 300ms; tried 10.0.0.1:5001 (connection refused),"
        + " 10.0.0.2:5002 (ErrWrongLeader)", failure.getMessage());
    assertTrue(failure.reachedAnyServer());
  }

  @Test
  void whenNoServerEverAcceptsAConnectionTheErrorSaysSoAndNamesEachOnce() {
    LeaderCaller<String> caller = new LeaderCaller<>(List.of("a", "b"), List.of("127.0.0.1:5001", "nowhere:5002"),
        null, FAST, scheduler);
    LeaderCaller.Attempt<String, String> attempt = (server, timeout) -> {
      tried.add(server);
      return CompletableFuture.failedFuture(server.equals("a") ? refused()
          : Status.UNAVAILABLE.withDescription("Unable to resolve host nowhere")
              .withCause(new UnknownHostException("nowhere: Name or service not known")).asRuntimeException());
    };
    long start = System.nanoTime();
    CompletionException e = assertThrows(CompletionException.class,
        () -> caller.call(attempt, LeaderCallerTest::notLeader, Duration.ofMillis(300)).join());
    // It keeps trying until the deadline: a cluster that is starting refuses connections for a moment.
    assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos(), "gave up before its deadline");
    assertTrue(tried.size() > 2, "retried: " + tried);
    ClusterUnavailableException failure = assertInstanceOf(ClusterUnavailableException.class, e.getCause());
    assertEquals("could not connect to any server (retried for 300ms): 127.0.0.1:5001 (connection refused),"
        + " nowhere:5002 (unknown host)", failure.getMessage());
    assertFalse(failure.reachedAnyServer());
  }

  @Test
  void aRequestEveryServerWouldRefuseFailsAtOnce() {
    LeaderCaller<String> caller = new LeaderCaller<>(List.of("a", "b"), List.of("a:1", "b:1"), null, FAST, scheduler);
    LeaderCaller.Attempt<String, String> attempt = (server, timeout) -> {
      tried.add(server);
      return CompletableFuture.failedFuture(Status.RESOURCE_EXHAUSTED.withDescription("message too large")
          .asRuntimeException());
    };
    CompletionException e = assertThrows(CompletionException.class,
        () -> caller.call(attempt, LeaderCallerTest::notLeader, Duration.ofSeconds(10)).join());
    RequestRefusedException refused = assertInstanceOf(RequestRefusedException.class, e.getCause());
    assertEquals("RESOURCE_EXHAUSTED: message too large (from a:1)", refused.getMessage());
    assertEquals(List.of("a"), tried);
  }

  @Test
  void anAttemptNeverOutlivesTheCallersDeadline() {
    LeaderCaller<String> caller = new LeaderCaller<>(List.of("silent"), List.of("s:1"), null,
        new RetryPolicy(Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO), scheduler);
    long start = System.nanoTime();
    CompletionException e = assertThrows(CompletionException.class, () -> caller.call(
        (server, timeout) -> new CompletableFuture<String>(), LeaderCallerTest::notLeader,
        Duration.ofMillis(200)).join());
    assertInstanceOf(ClusterUnavailableException.class, e.getCause());
    assertTrue(e.getCause().getMessage().endsWith("s:1 (no answer within 200ms)"), e.getCause().getMessage());
    // Liveness guard only: far below the 30 s attempt timeout the deadline must cut.
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos());
  }
}
