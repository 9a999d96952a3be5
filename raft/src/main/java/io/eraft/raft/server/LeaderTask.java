package io.eraft.raft.server;

import io.eraft.raft.LeadershipListener;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work a replica does only while it leads its group (eRaft's leader-only monitors: a ShardKV
 * group's configuration poller, its shard pulls): runs {@code body} at once and then every
 * {@code interval} after the previous run ends, on its own thread, from the moment the node
 * becomes leader until it stops leading. Register it with {@code RaftNode.addLeadershipListener}
 * and hand it to the replica to close. A run in progress when leadership is lost finishes (its
 * proposals fail as a deposed leader's do); a run that throws is logged and the next one runs on
 * schedule. Thread-safe.
 */
public final class LeaderTask implements LeadershipListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderTask.class);
  private static final long CLOSE_TIMEOUT_SECONDS = 5;

  private final String name;
  private final Duration interval;
  private final Runnable body;
  private final ScheduledExecutorService thread;
  private ScheduledFuture<?> schedule;

  public LeaderTask(String name, Duration interval, Runnable body) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(name + ": interval must be positive, got " + interval);
    }
    this.name = name;
    this.interval = interval;
    this.body = body;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public synchronized void leadershipChanged(boolean leading, long term) {
    if (thread.isShutdown()) {
      return;
    }
    if (leading && schedule == null) {
      schedule = thread.scheduleWithFixedDelay(this::runOnce, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    } else if (!leading && schedule != null) {
      schedule.cancel(false);
      schedule = null;
    }
  }

  /** Whether the task is scheduled (the node leads). */
  public synchronized boolean isActive() {
    return schedule != null;
  }

  private void runOnce() {
    try {
      body.run();
    } catch (RuntimeException e) {
      LOG.warn("{} failed; it runs again in {} ms", name, interval.toMillis(), e);
    }
  }

  /** Stops the task, waiting for a run in progress to end. */
  @Override
  public void close() {
    synchronized (this) {
      schedule = null;
      thread.shutdownNow();
    }
    try {
      if (!thread.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("{} did not stop within {} s", name, CLOSE_TIMEOUT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
