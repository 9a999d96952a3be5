package io.eraft.raft.linearizability;

import io.eraft.raft.linearizability.CheckResult.Outcome;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Decides whether one partition of a history is linearizable: Wing and Gong's depth-first
 * search with Lowe's just-in-time linearization and memoization, as porcupine's
 * {@code checkSingle}.
 *
 * <p>The search walks the time-ordered {@link EntryList}. At a call event it tries to linearize
 * that operation now: if the model accepts it and the resulting (set, state) pair is new, the
 * operation is lifted out of the list and the walk restarts from the front. At a return event
 * the operation returned without having been linearized, so the latest choice was wrong: the
 * search undoes it and tries the next candidate. The history is linearizable once every
 * determinate operation is linearized (indeterminate ones still pending never took effect), and
 * not when a return event is reached with nothing left to undo.
 *
 * <p>Not thread-safe; one instance checks one partition once.
 */
final class PartitionSearch<S, I, O> {
  /** How many loop iterations pass between two looks at the clock. */
  private static final int CLOCK_INTERVAL_MASK = 1023;
  /** How many operations of the longest prefix a failure report shows. */
  private static final int PREFIX_SHOWN = 10;
  /** How many pending operations a failure report shows. */
  private static final int PENDING_SHOWN = 12;

  private final Model<S, I, O> model;
  /** The partition in call order, which keeps cached snapshots of linearized sets small. */
  private final List<Operation<I, O>> operations;
  private final long deadlineNanos;
  private final BooleanSupplier cancelled;
  private final EntryList entries;
  private final LinearizedSet linearized;
  private final VisitedStates<S> visited = new VisitedStates<>();
  /** The current path: each linearized call event and the state before it. */
  private final int[] pathCalls;
  private final Object[] pathStates;
  private int depth;
  private S state;
  private int determinateLeft;
  private StuckPoint<S, I, O> deepest;

  /**
   * @param deadlineNanos the {@link System#nanoTime()} after which the search gives up
   * @param cancelled polled with the clock; true stops the search (another partition failed)
   */
  PartitionSearch(
      Model<S, I, O> model,
      List<Operation<I, O>> partition,
      long deadlineNanos,
      BooleanSupplier cancelled) {
    this.model = model;
    operations = new ArrayList<>(partition);
    operations.sort(Comparator.comparingLong(Operation::callNanos));
    this.deadlineNanos = deadlineNanos;
    this.cancelled = cancelled;
    entries = new EntryList(operations);
    linearized = new LinearizedSet(operations);
    pathCalls = new int[operations.size()];
    pathStates = new Object[operations.size()];
  }

  /** Runs the search: OK, ILLEGAL, or UNKNOWN if the deadline passed or it was cancelled. */
  Outcome run() {
    state = model.initialState();
    determinateLeft = (int) operations.stream().filter(op -> !op.indeterminate()).count();
    int event = entries.first();
    long iterations = 0;
    while (determinateLeft > 0) {
      // Checked on the very first iteration too, so a deadline already passed always gives UNKNOWN.
      if ((iterations++ & CLOCK_INTERVAL_MASK) == 0
          && (System.nanoTime() - deadlineNanos >= 0 || cancelled.getAsBoolean())) {
        return Outcome.UNKNOWN;
      }
      if (entries.isCall(event)) {
        int op = entries.operation(event);
        Operation<I, O> operation = operations.get(op);
        Optional<S> after = model.step(state, operation.input(), operation.knownOutput());
        if (after.isPresent() && visited.add(linearized, op, after.get())) {
          push(event, after.get());
          event = entries.first();
        } else {
          event = entries.next(event);
        }
      } else {
        noteStuck(event);
        if (depth == 0) {
          return Outcome.ILLEGAL;
        }
        event = entries.next(pop());
      }
    }
    return Outcome.OK;
  }

  /** Linearizes the operation of {@code call}, which takes the state to {@code after}. */
  private void push(int call, S after) {
    int op = entries.operation(call);
    pathCalls[depth] = call;
    pathStates[depth] = state;
    depth++;
    state = after;
    determinateLeft -= operations.get(op).indeterminate() ? 0 : 1;
    linearized.add(op);
    entries.lift(call);
  }

  /** Undoes the latest linearization and returns its call event. */
  @SuppressWarnings("unchecked")
  private int pop() {
    depth--;
    int call = pathCalls[depth];
    state = (S) pathStates[depth];
    pathStates[depth] = null;
    int op = entries.operation(call);
    determinateLeft += operations.get(op).indeterminate() ? 0 : 1;
    linearized.remove(op);
    entries.unlift(call);
    return call;
  }

  /** Where the search got furthest; set once {@link #run} has returned ILLEGAL. */
  StuckPoint<S, I, O> deepestStuckPoint() {
    return deepest;
  }

  /** Remembers this dead end if it is the deepest so far; O(1) unless it is. */
  private void noteStuck(int returnEvent) {
    if (deepest != null && depth <= deepest.depth()) {
      return;
    }
    List<Operation<I, O>> prefixTail = new ArrayList<>();
    for (int i = Math.max(0, depth - PREFIX_SHOWN); i < depth; i++) {
      prefixTail.add(operations.get(entries.operation(pathCalls[i])));
    }
    Operation<I, O> stuck = operations.get(entries.operation(returnEvent));
    Deque<Operation<I, O>> pending = new ArrayDeque<>();
    for (int e = entries.prev(returnEvent);
        e != EntryList.HEAD && pending.size() < PENDING_SHOWN;
        e = entries.prev(e)) {
      Operation<I, O> operation = operations.get(entries.operation(e));
      if (entries.isCall(e) && !(operation.indeterminate() && changesNothing(operation))) {
        pending.addFirst(operation);
      }
    }
    if (!pending.contains(stuck)) {
      pending.addFirst(stuck);
    }
    deepest = new StuckPoint<>(depth, prefixTail, state, stuck, List.copyOf(pending));
  }

  /** Whether a timed-out {@code operation} would leave the current state as it is. */
  private boolean changesNothing(Operation<I, O> operation) {
    return model.step(state, operation.input(), null).filter(state::equals).isPresent();
  }
}
