package io.eraft.raft.trace;

import io.grpc.Context;
import io.grpc.Metadata;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * A W3C Trace Context {@code traceparent} (version 00): a 16-byte trace id shared by every hop of
 * one request, the 8-byte id of the calling span, and the flags. Travels as gRPC metadata and,
 * inside a process, as an {@link io.grpc.Context} value, so every call made in its scope carries
 * it ({@link TracingClientInterceptor}) and every server that receives it logs under its trace id
 * ({@link TracingServerInterceptor}). Immutable.
 */
public record Traceparent(String traceId, String parentId, String flags) {
  public static final Metadata.Key<String> HEADER = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
  /** The trace of the code running now, if any. */
  public static final Context.Key<Traceparent> CURRENT = Context.key("traceparent");
  /** Where the trace id goes in SLF4J's MDC, so log lines carry it. */
  public static final String MDC_KEY = "trace_id";

  private static final Pattern FORMAT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final Random RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  /** A new trace, sampled. */
  public static Traceparent start() {
    return new Traceparent(randomHex(16), randomHex(8), "01");
  }

  /** The header's trace, or null if it is absent or malformed (W3C: then start afresh). */
  public static Traceparent parse(String header) {
    if (header == null) {
      return null;
    }
    Matcher m = FORMAT.matcher(header.strip());
    if (!m.matches() || m.group(1).matches("0+") || m.group(2).matches("0+")) {
      return null;
    }
    return new Traceparent(m.group(1), m.group(2), m.group(3));
  }

  /** The same trace, called from a new span (a hop that calls on). */
  public Traceparent child() {
    return new Traceparent(traceId, randomHex(8), flags);
  }

  /**
   * Runs {@code action} with this trace current (the calls it makes carry it) and its id in the
   * MDC (the lines it logs carry it); restores both after.
   */
  public <T> T call(Supplier<T> action) {
    Context traced = in(Context.current());
    Context previous = traced.attach();
    try {
      return logging(action);
    } finally {
      traced.detach(previous);
    }
  }

  /** Runs {@code action} with this trace's id in the MDC (the lines it logs carry it); restores the MDC after. */
  public <T> T logging(Supplier<T> action) {
    String outerId = MDC.get(MDC_KEY);
    MDC.put(MDC_KEY, traceId);
    try {
      return action.get();
    } finally {
      if (outerId == null) {
        MDC.remove(MDC_KEY);
      } else {
        MDC.put(MDC_KEY, outerId);
      }
    }
  }

  /** This trace as the current one in {@code context}. */
  public Context in(Context context) {
    return context.withValue(CURRENT, this);
  }

  /** The {@code traceparent} header value. */
  public String header() {
    return "00-" + traceId + "-" + parentId + "-" + flags;
  }

  private static String randomHex(int bytes) {
    byte[] id = new byte[bytes];
    do {
      RANDOM.nextBytes(id);
    } while (isZero(id));
    return HEX.formatHex(id);
  }

  private static boolean isZero(byte[] id) {
    for (byte b : id) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
