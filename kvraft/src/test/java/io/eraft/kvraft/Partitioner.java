package io.eraft.kvraft;

import io.eraft.kvraft.sim.KvSimCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * eRaft's {@code partitioner}: on its own thread, splits the servers at random into two sides (each
 * server on either side with probability ½; a side may be empty) and holds each split for 1–1.2 s
 * — about two of our election timeouts — until stopped. It only drives the topology; the cluster
 * is thread-safe enough for that (the network is).
 */
final class Partitioner implements AutoCloseable {
  private static final Duration HOLD = Duration.ofSeconds(1);
  private static final int HOLD_JITTER_MS = 200;

  private final KvSimCluster cluster;
  private final Random random;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;

  private Partitioner(KvSimCluster cluster, long seed) {
    this.cluster = cluster;
    this.random = new Random(seed);
    this.thread = new Thread(this::run, "partitioner");
    thread.setDaemon(true);
  }

  static Partitioner start(KvSimCluster cluster, long seed) {
    Partitioner p = new Partitioner(cluster, seed);
    p.thread.start();
    return p;
  }

  private void run() {
    try {
      do {
        List<Integer> a = new ArrayList<>();
        List<Integer> b = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
          (random.nextBoolean() ? a : b).add(i);
        }
        cluster.partition(a, b);
      } while (!stop.await(HOLD.toMillis() + random.nextInt(HOLD_JITTER_MS), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops splitting and waits for the thread; the last split stays until the test heals it. */
  @Override
  public void close() throws InterruptedException {
    stop.countDown();
    thread.join();
  }
}
