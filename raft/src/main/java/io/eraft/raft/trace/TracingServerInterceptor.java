package io.eraft.raft.trace;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.eraft.raft.Millis;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Serves a call that carries a {@code traceparent} under its trace: the handler runs with the
 * trace current (calls it makes carry it on) and with {@code trace_id} in the MDC (its log lines
 * carry it), and the answer is logged with the method, status, eRaft error string and time taken, so an operator can
 * follow one request through every node's log: at INFO for the first call of a trace here within
 * {@link #REPEAT_WINDOW}, at DEBUG for its repeats (a shard pull retrying every 50 ms under one
 * trace logs once a second). Untraced calls pass untouched. Thread-safe.
 */
public final class TracingServerInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(TracingServerInterceptor.class);
  static final Duration REPEAT_WINDOW = Duration.ofSeconds(1);
  /** Beyond this many traces remembered, forget them all (bounded memory; costs a few repeat lines). */
  private static final int REMEMBERED_TRACES = 4096;

  private final Map<String, Long> lastLoggedNanos = new ConcurrentHashMap<>();

  @Override
  public <Q, P> ServerCall.Listener<Q> interceptCall(ServerCall<Q, P> call, Metadata headers,
      ServerCallHandler<Q, P> next) {
    Traceparent trace = Traceparent.parse(headers.get(Traceparent.HEADER));
    if (trace == null) {
      return next.startCall(call, headers);
    }
    long start = System.nanoTime();
    ServerCall<Q, P> logged = new SimpleForwardingServerCall<>(call) {
      private String err = "";

      @Override
      public void sendMessage(P message) {
        err = errorOf(message);
        super.sendMessage(message);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        withTraceId(trace, () -> {
          LoggingEventBuilder line = LOG.atLevel(firstInWindow(trace) ? Level.INFO : Level.DEBUG)
              .addKeyValue("method", call.getMethodDescriptor().getFullMethodName())
              .addKeyValue("code", status.getCode());
          if (!err.isEmpty()) {
            line = line.addKeyValue("err", err);
          }
          line.addKeyValue("tookMs", Millis.of(System.nanoTime() - start)).log("served a traced call");
        });
        super.close(status, trailers);
      }
    };
    Context traced = trace.in(Context.current());
    ServerCall.Listener<Q> listener = trace.logging(() -> Contexts.interceptCall(traced, logged, headers, next));
    return new TracedListener<>(listener, trace);
  }

  /** eRaft's answers carry their outcome in a string field {@code err} ({@code ErrWrongLeader}...). */
  private static String errorOf(Object reply) {
    if (reply instanceof Message message) {
      FieldDescriptor err = message.getDescriptorForType().findFieldByName("err");
      if (err != null && err.getJavaType() == FieldDescriptor.JavaType.STRING) {
        return (String) message.getField(err);
      }
    }
    return "";
  }

  private boolean firstInWindow(Traceparent trace) {
    long now = System.nanoTime();
    Long last = lastLoggedNanos.get(trace.traceId());
    if (last != null && now - last < REPEAT_WINDOW.toNanos()) {
      return false;
    }
    if (lastLoggedNanos.size() >= REMEMBERED_TRACES) {
      lastLoggedNanos.clear();
    }
    lastLoggedNanos.put(trace.traceId(), now);
    return true;
  }

  /** Runs each callback of the call with the trace id in the MDC. */
  private static final class TracedListener<Q> extends ServerCall.Listener<Q> {
    private final ServerCall.Listener<Q> delegate;
    private final Traceparent trace;

    TracedListener(ServerCall.Listener<Q> delegate, Traceparent trace) {
      this.delegate = delegate;
      this.trace = trace;
    }

    @Override
    public void onMessage(Q message) {
      withTraceId(trace, () -> delegate.onMessage(message));
    }

    @Override
    public void onHalfClose() {
      withTraceId(trace, delegate::onHalfClose);
    }

    @Override
    public void onCancel() {
      withTraceId(trace, delegate::onCancel);
    }

    @Override
    public void onComplete() {
      withTraceId(trace, delegate::onComplete);
    }

    @Override
    public void onReady() {
      withTraceId(trace, delegate::onReady);
    }
  }

  private static void withTraceId(Traceparent trace, Runnable action) {
    trace.logging(() -> {
      action.run();
      return null;
    });
  }
}
