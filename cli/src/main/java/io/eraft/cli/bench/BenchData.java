package io.eraft.cli.bench;

import java.lang.management.ManagementFactory;
import java.util.concurrent.ThreadLocalRandom;

/** What benchmarks share besides the loop: value pools and this process's CPU time. */
public final class BenchData {
  private static final int VALUE_POOL = 64;

  private BenchData() {}

  /** A pool of random printable values of {@code bytes} each, so the generator does not spend its time making them. */
  public static String[] values(int bytes) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String[] pool = new String[VALUE_POOL];
    for (int i = 0; i < pool.length; i++) {
      StringBuilder v = new StringBuilder(bytes);
      for (int j = 0; j < bytes; j++) {
        v.append((char) ('a' + random.nextInt(26)));
      }
      pool[i] = v.toString();
    }
    return pool;
  }

  /** CPU time this process used so far, or 0 where the JVM does not tell. */
  public static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : 0;
  }
}
