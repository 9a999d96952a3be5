package io.eraft.raft.storage;

/** A storage failure the node cannot recover from; the message names the path and the fix. */
public final class StorageException extends RuntimeException {
  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
