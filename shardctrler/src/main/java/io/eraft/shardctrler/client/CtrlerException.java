package io.eraft.shardctrler.client;

/** The controller refused a command (invalid for the current config); nothing changed. */
public final class CtrlerException extends RuntimeException {
  private final String error;

  public CtrlerException(String error, String detail) {
    super(detail.isEmpty() ? error : error + ": " + detail);
    this.error = error;
  }

  /** The wire error string, e.g. {@code ErrBadRequest}. */
  public String error() {
    return error;
  }
}
