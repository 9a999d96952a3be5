package io.eraft.raft.linearizability;

import java.util.Objects;

/**
 * One client operation of a history: what was asked, what came back, and when (System.nanoTime
 * of the call and of the return). The operation took effect at some instant inside
 * {@code [callNanos, returnNanos]}, or, if it is indeterminate, possibly never.
 *
 * <p>An <em>indeterminate</em> operation is one whose client gave up waiting (timeout, lost
 * connection): it may or may not have been applied. Following Jepsen, its return time is
 * {@link Long#MAX_VALUE} and its output is unconstrained. Because it returns "at infinity", the
 * search may place it anywhere after its call, including after every other operation, which is
 * indistinguishable from never applying it.
 *
 * @param clientId which client issued it; only used in failure reports
 * @param output the reply; ignored (may be null) when the operation is indeterminate
 */
public record Operation<I, O>(int clientId, I input, O output, long callNanos, long returnNanos) {

  /** The return time of an operation whose reply never came. */
  public static final long NEVER_RETURNED = Long.MAX_VALUE;

  public Operation {
    Objects.requireNonNull(input, "input");
    if (returnNanos < callNanos) {
      throw new IllegalArgumentException(
          "operation returned at " + returnNanos + " before its call at " + callNanos);
    }
    if (returnNanos != NEVER_RETURNED) {
      Objects.requireNonNull(output, "output of a completed operation");
    }
  }

  /** An operation called at {@code callNanos} whose reply never came. */
  public static <I, O> Operation<I, O> indeterminate(int clientId, I input, long callNanos) {
    return new Operation<>(clientId, input, null, callNanos, NEVER_RETURNED);
  }

  /** Whether the client gave up on this operation, so it may or may not have taken effect. */
  public boolean indeterminate() {
    return returnNanos == NEVER_RETURNED;
  }

  /** The output the model must match: {@code null} (anything) when indeterminate. */
  O knownOutput() {
    return indeterminate() ? null : output;
  }
}
