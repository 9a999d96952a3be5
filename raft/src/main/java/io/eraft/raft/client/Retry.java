package io.eraft.raft.client;

import io.eraft.raft.rpc.GroupErrors;

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

  /**
   * What an eRaft reply with error {@code err} means to its client: {@code ErrWrongLeader} →
   * ask {@code leaderAddress} (or another server), {@code ErrTimeout} → ask again; null for any
   * other error (the reply is the answer).
   */
  public static Retry ofReply(String err, String leaderAddress) {
    if (GroupErrors.WRONG_LEADER.equals(err)) {
      return toLeader(err, leaderAddress);
    }
    return GroupErrors.TIMEOUT.equals(err) ? because(err) : null;
  }

  public boolean namesLeader() {
    return !leaderAddress.isEmpty();
  }
}
