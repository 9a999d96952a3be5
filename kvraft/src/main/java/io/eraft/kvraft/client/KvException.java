package io.eraft.kvraft.client;

import io.eraft.kvraft.KvError;

/** The cluster refused a request (an oversized value, a malformed request); it was not applied. */
public final class KvException extends RuntimeException {
  private final String error;

  public KvException(String error, String detail) {
    super(detail.isEmpty() ? error : error + ": " + detail);
    this.error = error;
  }

  /** The wire error string, e.g. {@link KvError#ERR_VALUE_TOO_LARGE}'s. */
  public String error() {
    return error;
  }
}
