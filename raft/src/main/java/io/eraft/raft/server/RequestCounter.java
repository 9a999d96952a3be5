package io.eraft.raft.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Counts a service's requests by operation and by the error string of the reply (etcd's {@code
 * client_requests_total}): {@code <name>_total{op, result}}, {@code result} being eRaft's {@code OK},
 * {@code ErrWrongLeader}, {@code ErrTimeout}... — a small fixed set, never a key or client id. The
 * {@code OK} series of every operation exist from the start. Thread-safe.
 *
 * @param <Q> the request
 * @param <P> the reply
 */
public final class RequestCounter<Q, P> {
  private final MeterRegistry registry;
  private final String name;
  private final Function<Q, String> op;
  private final Function<P, String> result;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  /**
   * @param name the meter's name ({@code eraft.kv.requests} is {@code eraft_kv_requests_total})
   * @param ops every operation's name, for the series that exist from the start
   * @param op a request's operation, e.g. its proto enum's name
   * @param result a reply's error string
   */
  public RequestCounter(MeterRegistry registry, String name, List<String> ops, Function<Q, String> op,
      Function<P, String> result) {
    this.registry = registry;
    this.name = name;
    this.op = request -> op.apply(request).toLowerCase(Locale.ROOT);
    this.result = result;
    ops.forEach(o -> counter(o.toLowerCase(Locale.ROOT), "OK"));
  }

  /** {@code handler} with each reply counted once it completes (a failed future counts as {@code error}). */
  public Function<Q, CompletableFuture<P>> counting(Function<Q, CompletableFuture<P>> handler) {
    return request -> {
      String operation = op.apply(request);
      return handler.apply(request).whenComplete((reply, error) ->
          counter(operation, error != null ? "error" : result.apply(reply)).increment());
    };
  }

  private Counter counter(String operation, String outcome) {
    return counters.computeIfAbsent(operation + '\0' + outcome, key -> Counter.builder(name)
        .tag("op", operation).tag("result", outcome)
        .description("Client requests this node answered, by operation and outcome").register(registry));
  }
}
