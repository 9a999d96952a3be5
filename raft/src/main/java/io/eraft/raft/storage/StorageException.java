package io.eraft.raft.storage;

/** A storage failure the node cannot recover from; the message names the path and the fix. */
public final class StorageException extends RuntimeException {
  /**
   * What an operator should do about a damaged data directory. Starting the node empty instead
   * would make it forget its votes and the entries it acknowledged, which can break Raft safety.
   */
  public static final String RESTORE_HINT = "move the damaged directory aside and start the node again with an"
      + " empty one: it catches up from the other nodes (safe while a majority of them keep their data)";

  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
