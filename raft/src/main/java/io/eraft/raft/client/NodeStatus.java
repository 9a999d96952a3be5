package io.eraft.raft.client;

import io.eraft.raft.core.Standing;

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
