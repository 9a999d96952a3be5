package io.eraft.raft.client;

import io.eraft.raft.core.Standing;

/**
 * One server's row of a status table ({@code kvclient status}, {@code shardctl status}).
 *
 * @param id the server's position in the address list
 * @param role eRaft's role string, or {@code "Offline"} if it did not answer
 * @param standing "voter", "joining" or "catching up" (see {@code Standing}); "" when offline
 */
public record NodeStatus(long id, String address, String role, String standing, long term, long lastApplied,
    long commitIndex, long storageBytes) {
  public static final String OFFLINE = "Offline";

  public static NodeStatus offline(long id, String address) {
    return new NodeStatus(id, address, OFFLINE, "", 0, 0, 0, 0);
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
