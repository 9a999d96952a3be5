package io.eraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eraft.raft.client.NodeStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table eRaft's kvclient prints, byte for byte: Go's %-Ns pads with spaces, trailing ones included. */
class StatusTableTest {
  @Test
  void onlineAndOfflineRowsUseERaftsFormats() {
    String table = StatusTable.render(List.of(
        new NodeStatus(0, "localhost:5001", "Leader", 3, 120, 121, 4096, ""),
        NodeStatus.offline(1, "localhost:5002", "connection refused")));
    String expected = ""
        + "ID    Address                   Role            Term       Applied    Commit          Storage(B)     \n"
        + "-".repeat(100) + "\n"
        + "0     localhost:5001            Leader          3          120        121             4096           \n"
        + "1     localhost:5002            Offline         -          -          -               -              \n";
    assertEquals(expected, table);
  }
}
