package io.eraft.raft.transport;

/**
 * Fails a {@link Transport#sendSnapshot} future when the receiver answers a chunk with a term
 * above the sender's: the sender is no longer leader and must step down to {@link #term()}
 * (figure 2, "Rules for Servers"). Immutable.
 */
public final class HigherTermException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long peer;
  private final long term;

  public HigherTermException(long peer, long term) {
    super("peer " + peer + " answered with higher term " + term, null, false, false);
    this.peer = peer;
    this.term = term;
  }

  /** The peer that answered. */
  public long peer() {
    return peer;
  }

  /** The peer's term, above the sender's. */
  public long term() {
    return term;
  }
}
