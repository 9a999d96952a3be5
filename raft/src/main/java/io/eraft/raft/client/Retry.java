package io.eraft.raft.client;

/**
 * Why a server's reply sends a client to another server, as a service's client reads it; null
 * stands for "this reply is the answer". Immutable.
 *
 * @param reason what the server said, for errors (e.g. {@code ErrWrongLeader})
 * @param leaderAddress the leader the server named ({@code host:port}), or "" if it named none
 */
public record Retry(String reason, String leaderAddress) {
  public Retry {
    if (reason == null || reason.isEmpty()) {
      throw new IllegalArgumentException("a retry needs a reason");
    }
    leaderAddress = leaderAddress == null ? "" : leaderAddress;
  }

  /** Ask another server, none named (e.g. after {@code ErrTimeout}). */
  public static Retry because(String reason) {
    return new Retry(reason, "");
  }

  /** Ask {@code leaderAddress} next ("" if the server knew no leader). */
  public static Retry toLeader(String reason, String leaderAddress) {
    return new Retry(reason, leaderAddress);
  }

  public boolean namesLeader() {
    return !leaderAddress.isEmpty();
  }
}
