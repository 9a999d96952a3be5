package io.eraft.raft.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.grpc.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;

/** W3C traceparent: the header format, what is refused, child spans, and the scope {@link Traceparent#call} sets. */
class TraceparentTest {
  @Test
  void parsesTheW3cExampleAndWritesItBack() {
    String header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    Traceparent t = Traceparent.parse(header);
    assertEquals(new Traceparent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "01"), t);
    assertEquals(header, t.header());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "garbage", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01"})
  void malformedHeadersAreIgnored(String header) {
    assertNull(Traceparent.parse(header));
  }

  @Test
  void aNewTraceIsSampledAndAChildKeepsItsTraceId() {
    Traceparent t = Traceparent.start();
    assertEquals(t, Traceparent.parse(t.header()));
    assertEquals("01", t.flags());
    Traceparent child = t.child();
    assertEquals(t.traceId(), child.traceId());
    assertNotEquals(t.parentId(), child.parentId());
    assertNotEquals(t.traceId(), Traceparent.start().traceId());
  }

  @Test
  void callMakesTheTraceCurrentAndLogsUnderItsIdThenRestores() {
    Traceparent t = Traceparent.start();
    String seen = t.call(() -> Traceparent.CURRENT.get().traceId() + " " + MDC.get(Traceparent.MDC_KEY));
    assertEquals(t.traceId() + " " + t.traceId(), seen);
    assertNull(Traceparent.CURRENT.get(Context.current()));
    assertNull(MDC.get(Traceparent.MDC_KEY));
  }
}
