package io.eraft.raft.storage;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes a store occupies on disk, for status and metrics: listing a directory per status call
 * would be wasteful, so it is measured at most once a second, and writers may add estimates in
 * between. Thread-safe.
 */
final class DirectorySize {
  private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String what;
  private final AtomicLong bytes = new AtomicLong();
  private volatile long measuredAtNanos;
  private volatile boolean measured;

  DirectorySize(String what) {
    this.what = what;
  }

  /** The size of {@code dir}, measured now if the last measurement is older than a second. */
  long get(Path dir) {
    long now = System.nanoTime();
    if (!measured || now - measuredAtNanos >= REFRESH_NANOS) {
      measure(dir, now);
    }
    return bytes.get();
  }

  /** Counts bytes written since the last measurement. */
  void add(long written) {
    bytes.addAndGet(written);
  }

  void measure(Path dir) {
    measure(dir, System.nanoTime());
  }

  private void measure(Path dir, long now) {
    bytes.set(LevelDbDirectory.sizeOf(what, dir));
    measuredAtNanos = now;
    measured = true;
  }
}
