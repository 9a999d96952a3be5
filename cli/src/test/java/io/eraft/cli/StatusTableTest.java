package io.eraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.eraft.raft.client.NodeStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The table eRaft's kvclient prints, byte for byte (Go's %-Ns pads with spaces, trailing ones
 * included), its JSON form, and the error when no server answered.
 */
class StatusTableTest {
  @Test
  void onlineAndOfflineRowsUseERaftsFormats() {
    String table = StatusTable.render(List.of(
        new NodeStatus(0, "localhost:5001", "Leader", "voter", 3, 120, 121, 4096, ""),
        NodeStatus.offline(1, "localhost:5002", "connection refused")));
    String expected = ""
        + "ID    Address                   Role            Term       Applied    Commit          Storage(B)     \n"
        + "-".repeat(100) + "\n"
        + "0     localhost:5001            Leader          3          120        121             4096           \n"
        + "1     localhost:5002            Offline         -          -          -               -              \n";
    assertEquals(expected, table);
  }

  @Test
  void aNodeThatDoesNotVoteYetShowsWhyInTheRoleColumnAndInJson() {
    List<NodeStatus> rows = List.of(new NodeStatus(2, "localhost:5003", "Follower", "catching up", 3, 0, 0, 10, ""));
    assertEquals("2     localhost:5003            Catching up     3          0          0               10             \n",
        StatusTable.render(rows).lines().skip(2).findFirst().orElseThrow() + "\n");
    assertEquals("[{\"id\":2,\"address\":\"localhost:5003\",\"role\":\"Follower\",\"online\":true,"
        + "\"standing\":\"catching up\",\"term\":3,\"applied\":0,\"commit\":0,\"storageBytes\":10}]\n",
        StatusTable.json(rows));
  }

  @Test
  void jsonHasEveryFieldOfAnOnlineServerAndTheErrorOfAnOfflineOne() {
    assertEquals("[{\"id\":0,\"address\":\"h:1\",\"role\":\"Leader\",\"online\":true,\"standing\":\"voter\","
        + "\"term\":3,\"applied\":120,\"commit\":121,\"storageBytes\":4096},{\"id\":1,\"address\":\"h:2\","
        + "\"role\":\"Offline\",\"online\":false,\"error\":\"connection refused\"}]\n", StatusTable.json(List.of(
            new NodeStatus(0, "h:1", "Leader", "voter", 3, 120, 121, 4096, ""),
            NodeStatus.offline(1, "h:2", "connection refused"))));
  }

  @Test
  void aGroupNobodyAnsweredForIsAnErrorNamingEachServerAndWhy() {
    StatusTable.requireAnyOnline(List.of(NodeStatus.offline(0, "h:1", "connection refused"),
        new NodeStatus(1, "h:2", "Follower", "voter", 3, 1, 1, 0, "")), "-addrs");
    CommandFailure e = assertThrows(CommandFailure.class, () -> StatusTable.requireAnyOnline(List.of(
        NodeStatus.offline(0, "h:1", "connection refused"),
        NodeStatus.offline(1, "h:2", "no answer within 5s")), "-addrs"));
    assertEquals("no server answered: h:1 (connection refused), h:2 (no answer within 5s); is the cluster running,"
        + " and does -addrs name it?", e.getMessage());
  }
}
