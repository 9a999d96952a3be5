package io.eraft.raft.health;

import java.util.function.Supplier;

/**
 * One named check of a replica's health, as {@code /livez} and {@code /readyz} run it (etcd's
 * checks: {@code serializable_read}, {@code linearizable_read}, ...). A check may block, but no
 * longer than its own bound. Thread-safe.
 */
public interface HealthCheck {
  /** The name operators see in {@code ?verbose} output and pass to {@code ?exclude=}. */
  String name();

  /** Why the replica is not healthy, or null when it is. */
  String failure();

  static HealthCheck of(String name, Supplier<String> failure) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String failure() {
        return failure.get();
      }
    };
  }
}
