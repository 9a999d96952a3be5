package io.eraft.cli;

import io.eraft.cli.json.Json;
import io.eraft.raft.client.NodeStatus;
import java.util.List;
import java.util.stream.Collectors;

/**
 * eRaft's status table of a Raft group, byte for byte as {@code kvclient -op status} prints it
 * (ERAFT-SPEC §5.3), and its JSON form. Every client's {@code status} command prints it. Stateless.
 */
public final class StatusTable {
  public static final String HEADER = "%-5s %-25s %-15s %-10s %-10s %-15s %-15s";
  public static final String ONLINE_ROW = "%-5d %-25s %-15s %-10d %-10d %-15d %-15d";
  public static final String OFFLINE_ROW = "%-5d %-25s %-15s %-10s %-10s %-15s %-15s";

  private StatusTable() {}

  /** The header, a rule of 100 dashes, then one row per server in address order; each line ends in "\n". */
  public static String render(List<NodeStatus> rows) {
    StringBuilder table = new StringBuilder()
        .append(String.format(HEADER, "ID", "Address", "Role", "Term", "Applied", "Commit", "Storage(B)")).append('\n')
        .append("-".repeat(100)).append('\n');
    for (NodeStatus s : rows) {
      table.append(s.online()
          ? String.format(ONLINE_ROW, s.id(), s.address(), s.displayRole(), s.term(), s.lastApplied(),
              s.commitIndex(), s.storageBytes())
          : String.format(OFFLINE_ROW, s.id(), s.address(), s.role(), "-", "-", "-", "-")).append('\n');
    }
    return table.toString();
  }

  /**
   * One JSON array of the rows, on one line; an offline server has only id, address, role, online
   * and the error it gave (e.g. "connection refused"). {@code role} is eRaft's; {@code standing}
   * says whether the node votes.
   */
  public static String json(List<NodeStatus> rows) {
    return Json.array(rows.stream().map(s -> {
      Json.Builder row = Json.object()
          .field("id", s.id())
          .field("address", s.address())
          .field("role", s.role())
          .field("online", s.online());
      if (s.online()) {
        row.field("standing", s.standing())
            .field("term", s.term())
            .field("applied", s.lastApplied())
            .field("commit", s.commitIndex())
            .field("storageBytes", s.storageBytes());
      } else {
        row.field("error", s.failure());
      }
      return row.toString();
    }).toList()) + "\n";
  }

  /**
   * Fails when no server answered, after the table was printed: the status of a group nobody can
   * reach is an error to scripts. The error names each server and why it did not answer.
   *
   * @param flag the flag that named the servers, for the hint
   */
  public static void requireAnyOnline(List<NodeStatus> rows, String flag) {
    if (rows.stream().noneMatch(NodeStatus::online)) {
      throw new CommandFailure("no server answered: " + rows.stream()
          .map(s -> s.address() + " (" + s.failure() + ")")
          .collect(Collectors.joining(", ")) + "; is the cluster running, and does " + flag + " name it?");
    }
  }
}
