package io.eraft.raft.client;

import io.eraft.raft.core.Standing;
import io.eraft.raft.rpc.GroupEndpoint;
import io.eraft.raft.rpc.ReplicaStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One server's row of a status table ({@code kvclient status}, {@code shardctl status}). Immutable.
 *
 * @param id the server's id, or for one that did not answer its position in the address list
 * @param role eRaft's role string, or {@code "Offline"} if it did not answer
 * @param standing "voter", "joining" or "catching up" (see {@code Standing}); "" when offline
 * @param failure why an Offline server did not answer ("connection refused", "no answer within 5s");
 *     "" for one that did
 */
public record NodeStatus(long id, String address, String role, String standing, long term, long lastApplied,
    long commitIndex, long storageBytes, String failure) {
  public static final String OFFLINE = "Offline";

  /** The row of a server that did not answer, and why. */
  public static NodeStatus offline(long position, String address, String failure) {
    return new NodeStatus(position, address, OFFLINE, "", 0, 0, 0, 0, failure);
  }

  /**
   * Every server's row, asked at once, in the order given; one that does not answer within
   * {@code timeout} is Offline, with the reason. Blocks up to {@code timeout}.
   */
  public static List<NodeStatus> of(List<? extends GroupEndpoint<?, ?>> endpoints, List<String> addresses,
      Duration timeout) {
    List<CompletableFuture<ReplicaStatus>> answers = new ArrayList<>();
    for (GroupEndpoint<?, ?> endpoint : endpoints) {
      answers.add(endpoint.status(timeout).orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }
    List<NodeStatus> rows = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      String address = addresses.get(i);
      try {
        rows.add(answered(answers.get(i).join(), address));
      } catch (RuntimeException e) {
        rows.add(unanswered(i, address, e, timeout));
      }
    }
    return rows;
  }

  /** The row of the server at {@code address}, which answered {@code status}. */
  public static NodeStatus answered(ReplicaStatus status, String address) {
    return new NodeStatus(status.id(), address, status.role(), status.standing(), status.term(),
        status.lastApplied(), status.commitIndex(), status.storageBytes(), "");
  }

  /** The row of a server whose status call, given {@code timeout}, failed with {@code error}. */
  public static NodeStatus unanswered(long position, String address, Throwable error, Duration timeout) {
    return offline(position, address, AttemptFailure.of(error, timeout).text());
  }

  public boolean online() {
    return !OFFLINE.equals(role);
  }

  /** The role column of a status table: eRaft's role, or the standing of a node that does not vote yet. */
  public String displayRole() {
    if (!online() || standing.isEmpty() || Standing.VOTER.displayName().equals(standing)) {
      return role;
    }
    return Character.toUpperCase(standing.charAt(0)) + standing.substring(1);
  }
}
