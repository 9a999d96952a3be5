package io.eraft.raft.client;

/**
 * One server's row of a status table ({@code kvclient status}, {@code shardctl status}).
 *
 * @param id the server's position in the address list
 * @param role eRaft's role string, or {@code "Offline"} if it did not answer
 */
public record NodeStatus(long id, String address, String role, long term, long lastApplied, long commitIndex,
    long storageBytes) {
  public static final String OFFLINE = "Offline";

  public boolean online() {
    return !OFFLINE.equals(role);
  }
}
