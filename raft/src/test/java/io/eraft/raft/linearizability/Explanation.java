package io.eraft.raft.linearizability;

import java.util.List;
import java.util.Locale;

/**
 * Renders why a partition is not linearizable, as text a person can follow without a
 * visualizer: the longest partial linearization the search found, the state it ends in, and the
 * operations that were pending when an operation returned that could not be placed. Each
 * pending operation says whether the model rejects it in that state, which for a KV history
 * usually points straight at the stale or impossible read. At most about 35 lines; long
 * descriptions are shortened in the middle.
 */
final class Explanation<S, I, O> {
  private static final int MAX_DESCRIPTION_CHARS = 160;

  private final Model<S, I, O> model;
  private final List<Operation<I, O>> part;
  private final long originNanos;
  private final StringBuilder text = new StringBuilder();

  /**
   * @param originNanos the time shown as 0 ms: the first call of the whole history
   */
  Explanation(Model<S, I, O> model, List<Operation<I, O>> part, long originNanos) {
    this.model = model;
    this.part = part;
    this.originNanos = originNanos;
  }

  String illegal(int partIndex, int partCount, StuckPoint<S, I, O> stuck) {
    line(String.format(Locale.ROOT, "not linearizable: %s (partition %d of %d, %d operations)",
        model.describePartition(part), partIndex + 1, partCount, part.size()));
    line(String.format(Locale.ROOT, "longest partial linearization: %d of %d operations, ending in"
        + " state %s", stuck.depth(), part.size(), shorten(model.describeState(stuck.state()))));
    if (!stuck.prefixTail().isEmpty()) {
      line("  its last " + stuck.prefixTail().size() + " operations, in linearization order:");
      stuck.prefixTail().forEach(op -> line("  " + row(op)));
    }
    Operation<I, O> blocked = stuck.stuck();
    line(String.format(Locale.ROOT, "stuck: client %d's %s returned at %s ms, but no pending"
        + " operation can be linearized next", blocked.clientId(), describe(blocked),
        millis(blocked.returnNanos())));
    line("  pending operations (called, not linearized), latest " + stuck.pending().size()
        + " by call time:");
    stuck.pending().forEach(op -> line("  " + row(op) + "  <- " + verdict(op, stuck.state())));
    line("times are ms since the first call of the history; an indeterminate operation (its"
        + " client timed out) may take effect any time after its call, or never");
    return text.toString();
  }

  /** Why the search could not continue with {@code op} from {@code state}. */
  private String verdict(Operation<I, O> operation, S state) {
    boolean legal = model.step(state, operation.input(), operation.knownOutput()).isPresent();
    return legal ? "legal here, but every continuation fails" : "impossible in this state";
  }

  private String row(Operation<I, O> operation) {
    String until = operation.indeterminate()
        ? "   never returned"
        : String.format(Locale.ROOT, "%14s ms", millis(operation.returnNanos()));
    return String.format(Locale.ROOT, "client %-4d [%12s ms, %s]  %s",
        operation.clientId(), millis(operation.callNanos()), until, describe(operation));
  }

  private String describe(Operation<I, O> operation) {
    return shorten(model.describeOperation(operation.input(), operation.knownOutput()));
  }

  private String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f", (nanos - originNanos) / 1e6);
  }

  /** Keeps the start and, for append-built values the telling part, the end of a long text. */
  private static String shorten(String description) {
    if (description.length() <= MAX_DESCRIPTION_CHARS) {
      return description;
    }
    int head = MAX_DESCRIPTION_CHARS / 3;
    int tail = MAX_DESCRIPTION_CHARS - head;
    return description.substring(0, head)
        + "...(" + (description.length() - head - tail) + " chars)..."
        + description.substring(description.length() - tail);
  }

  private void line(String s) {
    text.append(s).append('\n');
  }
}
