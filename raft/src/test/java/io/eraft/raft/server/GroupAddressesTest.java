package io.eraft.raft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eraft.raft.RaftStatus;
import io.eraft.raft.core.Role;
import io.eraft.raft.core.Standing;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GroupAddressesTest {
  private static final List<String> GROUP = List.of("h:1", "h:2", "h:3");

  /** What a replica that cannot serve a client tells it: the leader's address when it knows one that is not itself. */
  @ParameterizedTest(name = "replica {0} ({1}) knowing leader {2} names ''{3}''")
  @CsvSource({
      "0, FOLLOWER,  2, h:3",
      "1, CANDIDATE, -1, ''",
      "1, FOLLOWER,  -1, ''",
      "2, LEADER,    2, ''",
      "0, FOLLOWER,  5, ''"})
  void aReplicaNamesTheLeaderItKnows(long id, Role role, long leaderId, String named) {
    RaftStatus status = new RaftStatus(id, role, 3, leaderId, 10, 10, 10, 0, Standing.VOTER, null);
    assertEquals(named, GroupAddresses.leader(status, GROUP));
  }

  @Test
  void aReplicaWithoutItsGroupsListNamesNone() {
    assertEquals("", GroupAddresses.leader(new RaftStatus(0, Role.FOLLOWER, 3, 2, 10, 10, 10, 0, Standing.VOTER, null), List.of()));
  }
}
