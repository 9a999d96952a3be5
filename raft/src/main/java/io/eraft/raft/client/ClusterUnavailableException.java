package io.eraft.raft.client;

/**
 * No server of a replicated service gave a usable answer before the caller's deadline. The
 * message names every address tried and its last answer. The request may or may not have been
 * applied.
 */
public final class ClusterUnavailableException extends RuntimeException {
  public ClusterUnavailableException(String message) {
    super(message);
  }
}
