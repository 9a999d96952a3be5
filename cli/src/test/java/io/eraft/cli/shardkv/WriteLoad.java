package io.eraft.cli.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.cli.ops.Scrape;
import io.eraft.raft.client.ClusterUnavailableException;
import io.eraft.shardkv.client.ShardKvClerk;
import io.eraft.shardkv.client.ShardKvClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writers that keep writing through faults, each with its own session, and remember what was
 * acknowledged: a put of a new key in every shard in turn, then an append of the put's number to
 * the writer's own log key. A write that fails (its deadline passed) may or may not have been
 * applied and is not remembered. {@link #checkNothingLost} reads it all back: every acknowledged
 * put has its value, and each writer's log holds its acknowledged numbers once each, in order
 * (an append applied twice or lost shows). Closing stops the writers.
 */
final class WriteLoad implements AutoCloseable {
  private final ShardKvClient client;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final ExecutorService threads;
  private final List<Future<?>> writers = new ArrayList<>();
  private final Map<String, String> acknowledgedPuts = new ConcurrentHashMap<>();
  private final List<List<Long>> acknowledgedAppends = new ArrayList<>();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  WriteLoad(ShardKvClient client, int writerCount) {
    this.client = client;
    this.threads = Executors.newFixedThreadPool(writerCount);
    for (int w = 0; w < writerCount; w++) {
      List<Long> appends = new ArrayList<>();
      acknowledgedAppends.add(appends);
      int writer = w;
      writers.add(threads.submit(() -> write(writer, appends)));
    }
  }

  private Void write(int writer, List<Long> appends) {
    ShardKvClerk clerk = client.newClerk();
    for (long i = 0; !stop.get(); i++) {
      String key = i % 10 + "-w" + writer + "-" + i; // eRaft's shard: the first byte mod 10
      try {
        clerk.put(key, "v" + i);
        acknowledgedPuts.put(key, "v" + i);
        clerk.append(logKey(writer), i + ";");
        synchronized (appends) {
          appends.add(i);
        }
        acknowledged.incrementAndGet();
      } catch (ClusterUnavailableException e) {
        failed.incrementAndGet();
      }
    }
    return null;
  }

  private static String logKey(int writer) {
    return writer + "-log-w" + writer;
  }

  /** Waits (a liveness guard) until {@code count} more writes are acknowledged: the system makes progress. */
  void awaitProgress(int count) throws Exception {
    long target = acknowledged.get() + count;
    Scrape.await(count + " more acknowledged writes (" + failed.get() + " failed so far)",
        acknowledged::get, done -> done >= target);
  }

  /** Stops the writers and reads every acknowledged write back through {@code clerk}. */
  void checkNothingLost(ShardKvClerk clerk) throws Exception {
    close();
    for (Future<?> writer : writers) {
      writer.get();
    }
    assertTrue(acknowledged.get() > 0, "no write was acknowledged");
    acknowledgedPuts.forEach((key, value) -> assertEquals(value, clerk.get(key), key));
    for (int w = 0; w < acknowledgedAppends.size(); w++) {
      List<Long> logged = new ArrayList<>();
      for (String number : clerk.get(logKey(w)).split(";")) {
        if (!number.isEmpty()) {
          logged.add(Long.parseLong(number));
        }
      }
      for (int i = 1; i < logged.size(); i++) {
        assertTrue(logged.get(i) > logged.get(i - 1), "writer " + w + "'s log out of order or doubled: " + logged);
      }
      assertTrue(logged.containsAll(acknowledgedAppends.get(w)), "writer " + w + " lost acknowledged appends");
    }
    System.out.printf("WriteLoad: %d writes acknowledged and read back, %d failed at their deadline%n",
        acknowledged.get(), failed.get());
  }

  @Override
  public void close() {
    stop.set(true);
    threads.shutdown();
  }
}
