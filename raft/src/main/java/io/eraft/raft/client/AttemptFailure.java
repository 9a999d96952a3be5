package io.eraft.raft.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Why one call to one server failed, in the few words an operator reads in a list of addresses
 * ("connection refused", "no answer within 500ms", "UNIMPLEMENTED: Method not found: ..."), never
 * gRPC's nested causes. Immutable.
 *
 * @param text the short cause
 * @param connected whether the request may have reached the server; false only when no connection
 *     was made (refused, unknown host, no route), so the server cannot have acted on it
 */
record AttemptFailure(String text, boolean connected) {
  /** {@code error} (possibly wrapped in a {@link CompletionException}) of a call given {@code timeout}. */
  static AttemptFailure of(Throwable error, Duration timeout) {
    Throwable cause = unwrap(error);
    if (cause instanceof TimeoutException) {
      return new AttemptFailure("no answer within " + format(timeout), true);
    }
    if (!(cause instanceof StatusRuntimeException grpc)) {
      return new AttemptFailure(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(),
          true);
    }
    Status status = grpc.getStatus();
    if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return new AttemptFailure("no answer within " + format(timeout), true);
    }
    Throwable root = root(status.getCause());
    if (status.getCode() == Status.Code.UNAVAILABLE && root != null) {
      if (root instanceof UnknownHostException) {
        return new AttemptFailure("unknown host", false);
      }
      if (root instanceof NoRouteToHostException) {
        return new AttemptFailure("no route to host", false);
      }
      if (root instanceof ConnectException) {
        return new AttemptFailure(connectFailure(root.getMessage()), false);
      }
      return new AttemptFailure(decapitalize(root.getMessage() == null ? root.getClass().getSimpleName()
          : root.getMessage()), true);
    }
    String description = status.getDescription();
    return new AttemptFailure(description == null ? status.getCode().name()
        : status.getCode().name() + ": " + description, true);
  }

  static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  /**
   * {@code 5s}, {@code 500ms}, {@code 1500ms}, as the CLI's duration flags are written; rounded to
   * the millisecond (an attempt cut short by the deadline lasts what was left of it, 199.97 ms).
   */
  static String format(Duration d) {
    long millis = (d.toNanos() + 500_000) / 1_000_000;
    return millis % 1000 == 0 && millis != 0 ? millis / 1000 + "s" : millis + "ms";
  }

  private static Throwable root(Throwable t) {
    while (t != null && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** Netty's native transport says "finishConnect(..) failed with error(-111): Connection refused". */
  private static String connectFailure(String message) {
    if (message == null) {
      return "connection failed";
    }
    String text = message.replaceFirst("^.*failed with error\\(-?\\d+\\): ", "");
    return decapitalize(text);
  }

  private static String decapitalize(String text) {
    return text.isEmpty() ? text : text.substring(0, 1).toLowerCase(Locale.ROOT) + text.substring(1);
  }
}
