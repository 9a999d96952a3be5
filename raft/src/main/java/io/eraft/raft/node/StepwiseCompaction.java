package io.eraft.raft.node;

import io.eraft.raft.storage.LogStore;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts the raft log on the raft loop, the core's only reader, so the core never sees the log
 * shrink under a read; safe beside the log writer: compaction drops entries the state machine made
 * durable (at or below the commit index), the writer only writes above it. At most
 * {@link #STEP_ENTRIES} entries go per step, the next step queued behind the work already waiting:
 * deleting a whole threshold's worth of entries at once is one huge LevelDB batch that would stall
 * heartbeats and commits for about a second. Confined to the raft loop.
 */
final class StepwiseCompaction {
  private static final Logger LOG = LoggerFactory.getLogger(StepwiseCompaction.class);
  /** Log entries dropped per step. */
  static final long STEP_ENTRIES = 4096;

  private final long id;
  private final LogStore log;
  private final long retainEntries;
  private final Consumer<Runnable> enqueue;
  /** Where the log is being compacted to, a step at a time. */
  private long target;
  private boolean stepQueued;

  /**
   * @param retainEntries entries kept below the durable index (for followers slightly behind)
   * @param enqueue queues a step on the raft loop, behind the work already waiting
   */
  StepwiseCompaction(long id, LogStore log, long retainEntries, Consumer<Runnable> enqueue) {
    this.id = id;
    this.log = log;
    this.retainEntries = retainEntries;
    this.enqueue = enqueue;
  }

  /** The state machine durably applied through {@code durableIndex}. */
  void durableThrough(long durableIndex) {
    target = Math.max(target, durableIndex - retainEntries);
    if (!stepQueued) {
      step();
    }
  }

  private void step() {
    stepQueued = false;
    long from = log.snapshotMeta().index();
    long through = Math.min(target, Math.min(from + STEP_ENTRIES, log.lastIndex()));
    if (through <= from) {
      return; // done, or a snapshot install already dropped these entries
    }
    log.compact(through);
    LOG.debug("node {} compacted its log through {}", id, through);
    if (through < target) {
      stepQueued = true;
      enqueue.accept(this::step);
    }
  }
}
