package io.eraft.raft.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The short causes the clients' errors list per address, from the failures gRPC and futures report. */
class AttemptFailureTest {
  record Case(String name, Throwable error, String text, boolean connected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    return List.of(
        new Case("refused (netty epoll)", Status.UNAVAILABLE.withDescription("io exception")
            .withCause(new IOException("finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:1",
                new ConnectException("finishConnect(..) failed with error(-111): Connection refused")))
            .asRuntimeException(), "connection refused", false),
        new Case("refused (netty nio)", Status.UNAVAILABLE.withDescription("io exception")
            .withCause(new ConnectException("Connection refused")).asRuntimeException(), "connection refused", false),
        new Case("unknown host", Status.UNAVAILABLE.withDescription("Unable to resolve host nowhere")
            .withCause(new UnknownHostException("nowhere: Name or service not known")).asRuntimeException(),
            "unknown host", false),
        new Case("no route", Status.UNAVAILABLE.withCause(new NoRouteToHostException("No route to host"))
            .asRuntimeException(), "no route to host", false),
        new Case("reset mid-call", Status.UNAVAILABLE.withDescription("io exception")
            .withCause(new IOException("Connection reset by peer")).asRuntimeException(),
            "connection reset by peer", true),
        new Case("gRPC deadline", Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded after 0.49s. [closed=[],"
            + " open=[[remote_addr=/127.0.0.1:1]]]").asRuntimeException(), "no answer within 500ms", true),
        new Case("future timeout, wrapped", new CompletionException(new TimeoutException()), "no answer within 500ms",
            true),
        new Case("other status", Status.UNIMPLEMENTED.withDescription("Method not found: kvraftpb.KVService/Command")
            .asRuntimeException(), "UNIMPLEMENTED: Method not found: kvraftpb.KVService/Command", true),
        new Case("not gRPC", new IllegalStateException("the call completed without an answer"),
            "the call completed without an answer", true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void describesEachFailureInAFewWords(Case c) {
    AttemptFailure failure = AttemptFailure.of(c.error(), Duration.ofMillis(500));
    assertEquals(c.text(), failure.text());
    assertEquals(c.connected(), failure.connected());
  }
}
