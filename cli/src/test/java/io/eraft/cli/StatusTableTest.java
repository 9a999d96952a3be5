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
        new NodeStatus(0, "localhost:5001", "Leader", "voter", 3, 120, 121, 4096),
        NodeStatus.offline(1, "localhost:5002")));
    String expected = ""
        + "ID    Address                   Role            Term       Applied    Commit          Storage(B)     \n"
        + "-".repeat(100) + "\n"
        + "0     localhost:5001            Leader          3          120        121             4096           \n"
        + "1     localhost:5002            Offline         -          -          -               -              \n";
    assertEquals(expected, table);
  }

  @Test
  void aNodeThatDoesNotVoteYetShowsWhyInTheRoleColumnAndInJson() {
    List<NodeStatus> rows = List.of(new NodeStatus(2, "localhost:5003", "Follower", "catching up", 3, 0, 0, 10));
    assertEquals("2     localhost:5003            Catching up     3          0          0               10             \n",
        StatusTable.render(rows).lines().skip(2).findFirst().orElseThrow() + "\n");
    assertEquals("[{\"id\":2,\"address\":\"localhost:5003\",\"role\":\"Follower\",\"online\":true,"
        + "\"standing\":\"catching up\",\"term\":3,\"applied\":0,\"commit\":0,\"storageBytes\":10}]\n",
        StatusTable.json(rows));
  }
}
