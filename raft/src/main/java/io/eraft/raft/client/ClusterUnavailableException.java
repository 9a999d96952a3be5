package io.eraft.raft.client;

/**
 * No server of a replicated service gave a usable answer before the caller's deadline. The
 * message names every address tried and its last answer. The request may or may not have been
 * applied, unless {@link #reachedAnyServer()} is false. Immutable.
 */
public final class ClusterUnavailableException extends RuntimeException {
  private final boolean reachedAnyServer;

  /** @param reachedAnyServer false only if no attempt got a connection, so nothing can have been applied */
  public ClusterUnavailableException(String message, boolean reachedAnyServer) {
    super(message);
    this.reachedAnyServer = reachedAnyServer;
  }

  /** Whether any attempt may have reached a server (and so the request may have been applied). */
  public boolean reachedAnyServer() {
    return reachedAnyServer;
  }
}
