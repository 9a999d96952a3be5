package io.eraft.raft.client;

import java.time.Duration;

/**
 * How a client retries a request against a replicated service.
 *
 * @param attemptTimeout the longest one server is waited for (eRaft: 500 ms)
 * @param retryPause pause before asking the next server (eRaft: 10 ms)
 * @param maxRoundPause longest pause after every server failed in a row; the pause doubles per
 *     failed round from {@code retryPause}, randomized, so clients do not hammer a cluster
 *     that is electing a leader or down
 */
public record RetryPolicy(Duration attemptTimeout, Duration retryPause, Duration maxRoundPause) {
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(Duration.ofMillis(500), Duration.ofMillis(10), Duration.ofMillis(200));

  public RetryPolicy {
    if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
      throw new IllegalArgumentException("the attempt timeout must be positive, got " + attemptTimeout);
    }
    if (retryPause.isNegative()) {
      throw new IllegalArgumentException("the retry pause must not be negative, got " + retryPause);
    }
    if (maxRoundPause.compareTo(retryPause) < 0) {
      throw new IllegalArgumentException("the longest pause (" + maxRoundPause + ") must not be shorter than the"
          + " retry pause (" + retryPause + ")");
    }
  }
}
