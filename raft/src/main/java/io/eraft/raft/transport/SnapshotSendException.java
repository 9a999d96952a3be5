package io.eraft.raft.transport;

/**
 * Fails a {@link Transport#sendSnapshot} future for any reason other than a higher term: a chunk's
 * call failed or timed out, the receiver expects a different offset, the snapshot could not be read,
 * or the transport is closed or busy. The leader may retry the snapshot later. Immutable.
 */
public final class SnapshotSendException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long peer;

  public SnapshotSendException(long peer, String message, Throwable cause) {
    super("snapshot to peer " + peer + ": " + message, cause);
    this.peer = peer;
  }

  /** The peer the snapshot was for. */
  public long peer() {
    return peer;
  }
}
