package io.eraft.raft.server;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * gRPC server meters under go-grpc-prometheus's names, labels and code values, which the etcd
 * mixin's alerts and dashboards query (OBSERVABILITY.md §1.7): {@code grpc_server_started_total},
 * {@code grpc_server_handled_total{grpc_code}}, {@code grpc_server_msg_received_total}, {@code
 * grpc_server_msg_sent_total} and the histogram {@code grpc_server_handling_seconds}, each labelled
 * {@code grpc_type}, {@code grpc_service}, {@code grpc_method}; codes in Go's spelling ({@code
 * DeadlineExceeded}). Every method of a {@link #intercept}ed service has its series from the start,
 * so {@code rate()} sees a zero before the first call. Thread-safe.
 */
public final class GrpcServerMetrics implements ServerInterceptor {
  /** Prometheus' default buckets, as go-grpc-prometheus uses them: 5 ms .. 10 s. */
  private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private final MeterRegistry registry;
  private final Map<String, MethodMeters> methods = new ConcurrentHashMap<>();

  public GrpcServerMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** {@code service} with its calls counted and timed; registers its methods' series now. */
  public ServerServiceDefinition intercept(ServerServiceDefinition service) {
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      meters(method.getMethodDescriptor());
    }
    return ServerInterceptors.intercept(service, this);
  }

  @Override
  public <Q, P> ServerCall.Listener<Q> interceptCall(ServerCall<Q, P> call, Metadata headers,
      ServerCallHandler<Q, P> next) {
    MethodMeters meters = meters(call.getMethodDescriptor());
    meters.started.increment();
    long start = System.nanoTime();
    ServerCall<Q, P> counted = new SimpleForwardingServerCall<>(call) {
      @Override
      public void sendMessage(P message) {
        meters.sent.increment();
        super.sendMessage(message);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        meters.handled.get(status.getCode()).increment();
        meters.handling.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        super.close(status, trailers);
      }
    };
    return new SimpleForwardingServerCallListener<>(next.startCall(counted, headers)) {
      @Override
      public void onMessage(Q message) {
        meters.received.increment();
        super.onMessage(message);
      }
    };
  }

  private MethodMeters meters(MethodDescriptor<?, ?> method) {
    return methods.computeIfAbsent(method.getFullMethodName(), name -> new MethodMeters(registry, method));
  }

  private static final class MethodMeters {
    final Counter started;
    final Counter received;
    final Counter sent;
    final Map<Status.Code, Counter> handled = new EnumMap<>(Status.Code.class);
    final Timer handling;

    MethodMeters(MeterRegistry registry, MethodDescriptor<?, ?> method) {
      Tags tags = Tags.of("grpc_type", type(method.getType()), "grpc_service", method.getServiceName(),
          "grpc_method", method.getBareMethodName());
      started = Counter.builder("grpc.server.started").tags(tags)
          .description("RPCs started on the server").register(registry);
      received = Counter.builder("grpc.server.msg.received").tags(tags)
          .description("Stream messages received on the server").register(registry);
      sent = Counter.builder("grpc.server.msg.sent").tags(tags)
          .description("Stream messages sent by the server").register(registry);
      for (Status.Code code : Status.Code.values()) {
        handled.put(code, Counter.builder("grpc.server.handled").tags(tags).tag("grpc_code", goName(code))
            .description("RPCs completed on the server, regardless of success or failure").register(registry));
      }
      handling = Timer.builder("grpc.server.handling").tags(tags).serviceLevelObjectives(BUCKETS)
          .description("Response latency of RPCs handled by the server").register(registry);
    }
  }

  private static String type(MethodDescriptor.MethodType type) {
    return switch (type) {
      case UNARY -> "unary";
      case CLIENT_STREAMING -> "client_stream";
      case SERVER_STREAMING -> "server_stream";
      case BIDI_STREAMING -> "bidi_stream";
      case UNKNOWN -> "unknown";
    };
  }

  /** Go's spelling of a status code: DEADLINE_EXCEEDED is DeadlineExceeded, OK stays OK. */
  static String goName(Status.Code code) {
    if (code == Status.Code.OK) {
      return "OK";
    }
    StringBuilder name = new StringBuilder();
    for (String word : code.name().split("_")) {
      name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return name.toString();
  }
}
