package io.eraft.raft.sim;

import java.util.Random;

/**
 * What a simulated network does to one message, modelled on eRaft's labrpc (ERAFT-SPEC §7.1) plus
 * duplication: an unreliable network delays every request 0–26 ms and drops 10% of requests and
 * 10% of replies; long reordering delays two thirds of replies by 200–2200 ms; a call to a
 * disconnected or dead peer fails after a delay (up to 7 s with long delays, else up to 100 ms).
 * All choices come from the {@link Random} passed in, so a seed replays them. Not thread-safe.
 */
public final class NetworkFaults {
  private boolean reliable = true;
  private boolean longReordering;
  private boolean longDelays = true;
  private double duplicateRate;

  public boolean reliable() {
    return reliable;
  }

  public void setReliable(boolean reliable) {
    this.reliable = reliable;
  }

  public void setLongReordering(boolean longReordering) {
    this.longReordering = longReordering;
  }

  public void setLongDelays(boolean longDelays) {
    this.longDelays = longDelays;
  }

  /** Probability that a delivered request is delivered a second time. */
  public void setDuplicateRate(double duplicateRate) {
    if (duplicateRate < 0 || duplicateRate > 1) {
      throw new IllegalArgumentException("duplicate rate must be a probability, got " + duplicateRate);
    }
    this.duplicateRate = duplicateRate;
  }

  public long requestDelayMs(Random random) {
    return reliable ? 1 + random.nextInt(2) : random.nextInt(27);
  }

  public boolean dropRequest(Random random) {
    return !reliable && random.nextInt(1000) < 100;
  }

  public boolean dropReply(Random random) {
    return !reliable && random.nextInt(1000) < 100;
  }

  public boolean duplicate(Random random) {
    return duplicateRate > 0 && random.nextDouble() < duplicateRate;
  }

  public long replyDelayMs(Random random) {
    if (longReordering && random.nextInt(900) < 600) {
      return 200 + random.nextInt(1 + random.nextInt(2000));
    }
    return reliable ? 1 + random.nextInt(2) : random.nextInt(27);
  }

  /** How long a call to an unreachable peer takes to fail. */
  public long failureDelayMs(Random random) {
    return longDelays ? random.nextInt(7000) : random.nextInt(100);
  }
}
