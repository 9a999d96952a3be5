package io.eraft.raft.client;

/**
 * A server refused a request as invalid (an oversized value, a join of a gid that already joined);
 * nothing was applied, and asking again would get the same answer, so clients do not retry it.
 * The same holds for a request the transport refuses (too large, a service the server lacks): its
 * error is the gRPC code and its message names the server. Immutable.
 */
public final class RequestRefusedException extends RuntimeException {
  private final String error;

  /**
   * @param error the wire error string, e.g. {@code ErrBadRequest}
   * @param detail the server's explanation, or empty
   */
  public RequestRefusedException(String error, String detail) {
    super(detail.isEmpty() ? error : error + ": " + detail);
    this.error = error;
  }

  /** The wire error string. */
  public String error() {
    return error;
  }
}
