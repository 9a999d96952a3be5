package io.eraft.raft.server;

/**
 * What eRaft's KV services (kvraft, ShardKV) check of a command before it reaches the log: a known
 * op, and a key and a value within the server's limits. Immutable.
 *
 * @param maxValueBytes largest value (UTF-8 bytes) a Put or Append may carry ({@code --max-value-bytes})
 * @param maxKeyBytes largest key (UTF-8 bytes) a request may name ({@code --max-key-bytes})
 */
public record CommandLimits(int maxValueBytes, int maxKeyBytes) {
  /** Why a command is refused: the service answers {@code ErrBadRequest} or {@code ErrValueTooLarge}. */
  public enum Kind { BAD_REQUEST, VALUE_TOO_LARGE }

  /** A refusal and its explanation, which the reply's value carries. */
  public record Refusal(Kind kind, String reason) {}

  /**
   * The refusal of a command, or null if it may go on.
   *
   * @param knownOp whether the op is one of PUT (0), APPEND (1), GET (2)
   */
  public Refusal check(boolean knownOp, int opValue, int keyBytes, int valueBytes) {
    if (!knownOp) {
      return new Refusal(Kind.BAD_REQUEST, "unknown op " + opValue + "; expected PUT (0), APPEND (1) or GET (2)");
    }
    if (keyBytes > maxKeyBytes) {
      return new Refusal(Kind.BAD_REQUEST, "key is " + keyBytes + " bytes; the limit is " + maxKeyBytes
          + " (--max-key-bytes)");
    }
    if (valueBytes > maxValueBytes) {
      return new Refusal(Kind.VALUE_TOO_LARGE, "value is " + valueBytes + " bytes; the limit is " + maxValueBytes
          + " (--max-value-bytes)");
    }
    return null;
  }
}
