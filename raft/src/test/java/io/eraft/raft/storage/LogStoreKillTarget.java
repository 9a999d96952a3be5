package io.eraft.raft.storage;

import com.google.protobuf.ByteString;
import io.eraft.raft.core.Entry;
import io.eraft.raft.core.HardState;
import io.eraft.raft.core.SnapshotMeta;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The child process of {@link LevelDbLogStoreKillTest}: appends one entry per synced save to the
 * {@link LevelDbLogStore} in {@code args[0]} and prints {@code synced <index>} once each returns,
 * with an unsynced commit bump after every third. It runs until killed, or exits after a minute
 * so an orphan cannot outlive a crashed test run.
 */
final class LogStoreKillTarget {
  static final String SYNCED = "synced ";
  private static final long MAX_RUN_NANOS = TimeUnit.SECONDS.toNanos(60);

  private LogStoreKillTarget() {}

  public static void main(String[] args) {
    long deadline = System.nanoTime() + MAX_RUN_NANOS;
    try (LogStore store = LevelDbLogStore.open(Path.of(args[0]))) {
      for (long i = 1; System.nanoTime() - deadline < 0; i++) {
        HardState hs = new HardState(termOf(i), 1, i - 1);
        store.save(hs, SnapshotMeta.EMPTY, List.of(entryAt(i)), true);
        System.out.println(SYNCED + i);
        System.out.flush();
        if (i % 3 == 0) {
          store.save(new HardState(termOf(i), 1, i), SnapshotMeta.EMPTY, List.of(), false);
        }
      }
    }
  }

  /** The entry the child writes at {@code index}: sizes vary so records span LevelDB blocks. */
  static Entry entryAt(long index) {
    String data = ("entry " + index + ";").repeat((int) (index % 97) * 8 + 1);
    return new Entry(index, termOf(index), ByteString.copyFromUtf8(data));
  }

  static long termOf(long index) {
    return 1 + index / 16;
  }
}
