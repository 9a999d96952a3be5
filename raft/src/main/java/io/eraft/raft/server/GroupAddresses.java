package io.eraft.raft.server;

import io.eraft.raft.RaftStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The comma-separated {@code host:port} list that names a Raft group's servers in eRaft's CLIs
 * ({@code -addrs}, {@code -cluster}); a server's id is its position in the list. Stateless;
 * any thread may call it.
 */
public final class GroupAddresses {
  private GroupAddresses() {}

  /**
   * Parses and checks {@code list}.
   *
   * @param flag the flag that gave the list, for messages
   * @throws IllegalArgumentException naming the flag and the bad entry
   */
  public static List<String> parse(String flag, String list) {
    List<String> addresses = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String raw : list.split(",", -1)) {
      String address = raw.trim();
      int colon = address.lastIndexOf(':');
      if (colon <= 0 || colon == address.length() - 1) {
        throw new IllegalArgumentException(flag + ": '" + address + "' is not host:port");
      }
      int port;
      try {
        port = Integer.parseInt(address.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + ": '" + address + "' has a non-numeric port");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(flag + ": '" + address + "' has port " + port + ", not in 1-65535");
      }
      if (!seen.add(address)) {
        throw new IllegalArgumentException(flag + ": '" + address + "' is listed twice");
      }
      addresses.add(address);
    }
    return List.copyOf(addresses);
  }

  /**
   * The address a replica gives a client it cannot serve: its leader's, per {@code status}, from
   * the group's {@code addresses}; "" if it knows no leader, leads itself, or has no list.
   */
  public static String leader(RaftStatus status, List<String> addresses) {
    long leader = status.leaderId();
    if (!status.hasLeader() || leader == status.id() || leader >= addresses.size()) {
      return "";
    }
    return addresses.get((int) leader);
  }

  /** The host part of {@code host:port}. */
  public static String host(String address) {
    return address.substring(0, address.lastIndexOf(':'));
  }

  /** The port part of {@code host:port}. */
  public static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }
}
