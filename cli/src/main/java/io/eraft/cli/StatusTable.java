package io.eraft.cli.kv;

import io.eraft.raft.client.NodeStatus;
import java.util.List;

/** eRaft's {@code kvclient -op status} table, byte for byte (ERAFT-SPEC §5.3). */
final class StatusTable {
  static final String HEADER = "%-5s %-25s %-15s %-10s %-10s %-15s %-15s";
  static final String ONLINE_ROW = "%-5d %-25s %-15s %-10d %-10d %-15d %-15d";
  static final String OFFLINE_ROW = "%-5d %-25s %-15s %-10s %-10s %-15s %-15s";

  private StatusTable() {}

  /** The header, a rule of 100 dashes, then one row per server in address order; each line ends in "\n". */
  static String render(List<NodeStatus> rows) {
    StringBuilder table = new StringBuilder()
        .append(String.format(HEADER, "ID", "Address", "Role", "Term", "Applied", "Commit", "Storage(B)")).append('\n')
        .append("-".repeat(100)).append('\n');
    for (NodeStatus s : rows) {
      table.append(s.online()
          ? String.format(ONLINE_ROW, s.id(), s.address(), s.role(), s.term(), s.lastApplied(), s.commitIndex(),
              s.storageBytes())
          : String.format(OFFLINE_ROW, s.id(), s.address(), s.role(), "-", "-", "-", "-")).append('\n');
    }
    return table.toString();
  }
}
