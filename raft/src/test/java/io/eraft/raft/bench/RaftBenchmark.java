package io.eraft.raft.bench;

import com.google.protobuf.ByteString;
import io.eraft.raft.cluster.LocalRaftCluster;
import io.eraft.raft.node.RaftNode;
import io.eraft.raft.sim.SimNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;

/**
 * Proposals committed per second and commit latency of a 3-node group in this JVM, with a fixed
 * number of proposers each keeping one proposal outstanding (closed loop). A proposal counts when
 * the leader has applied it (commit plus apply). Modes: {@code memory} (in-memory transport and
 * logs, no fsync) and {@code grpc} (gRPC on 127.0.0.1, LevelDB logs, fsync on).
 *
 * <p>Usage: {@code RaftBenchmark <memory|grpc> <proposers> [seconds] [valueBytes]}; see the README's
 * performance section for the command that builds and runs it.
 */
public final class RaftBenchmark {
  private RaftBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: RaftBenchmark <memory|grpc> <proposers> [seconds=10] [valueBytes=128]");
      System.exit(2);
    }
    String mode = args[0];
    int proposers = Integer.parseInt(args[1]);
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int valueBytes = args.length > 3 ? Integer.parseInt(args[3]) : 128;
    Path dir = Files.createTempDirectory("raft-bench");
    try (SimNetwork network = new SimNetwork(1)) {
      LocalRaftCluster cluster = switch (mode) {
        case "grpc" -> LocalRaftCluster.grpc(3, dir, b -> b);
        case "memory" -> {
          network.setInstant(true);
          network.setByteCounting(false);
          yield LocalRaftCluster.inMemory(3, dir, network::transport, b -> b);
        }
        default -> throw new IllegalArgumentException("mode must be memory or grpc, not " + mode);
      };
      try (cluster) {
        cluster.startAll();
        RaftNode<Long> leader = cluster.node(cluster.awaitLeader());
        Result warm = run(leader, proposers, 3, valueBytes);
        Result r = run(leader, proposers, seconds, valueBytes);
        System.out.printf(Locale.ROOT, "mode=%s proposers=%d value=%dB: %.0f proposals/s, p50 %.3f ms, p99 %.3f ms,"
                + " p99.9 %.3f ms (%d proposals in %ds; warm-up %d)%n",
            mode, proposers, valueBytes, r.perSecond(), r.millis(50), r.millis(99), r.millis(99.9), r.count(),
            seconds, warm.count());
      }
    } finally {
      deleteRecursively(dir);
    }
  }

  private record Result(long count, double perSecond, Histogram latencies) {
    double millis(double percentile) {
      return latencies.getValueAtPercentile(percentile) / 1e6;
    }
  }

  /** Closed loop: each proposer proposes again as soon as its previous proposal applied. */
  private static Result run(RaftNode<Long> leader, int proposers, int seconds, int valueBytes) throws Exception {
    Histogram latencies = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    ExecutorService client = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "bench-client");
      t.setDaemon(true);
      return t;
    });
    AtomicBoolean stop = new AtomicBoolean();
    long[] count = {0};
    byte[] value = new byte[valueBytes];
    ThreadLocalRandom.current().nextBytes(value);
    ByteString command = ByteString.copyFrom(value);
    Runnable[] proposeNext = new Runnable[1];
    proposeNext[0] = () -> {
      long start = System.nanoTime();
      leader.propose(command).whenCompleteAsync((index, err) -> {
        if (err != null) {
          throw new IllegalStateException("proposal failed during the benchmark", err);
        }
        latencies.recordValue(Math.min(System.nanoTime() - start, latencies.getHighestTrackableValue()));
        count[0]++;
        if (!stop.get()) {
          proposeNext[0].run();
        }
      }, client);
    };
    long begin = System.nanoTime();
    for (int i = 0; i < proposers; i++) {
      client.execute(proposeNext[0]);
    }
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    stop.set(true);
    long[] done = new long[1];
    client.submit(() -> done[0] = count[0]).get();
    double elapsed = (System.nanoTime() - begin) / 1e9;
    Histogram snapshot = client.submit(latencies::copy).get();
    client.shutdown();
    client.awaitTermination(30, TimeUnit.SECONDS);
    return new Result(done[0], done[0] / elapsed, snapshot);
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
