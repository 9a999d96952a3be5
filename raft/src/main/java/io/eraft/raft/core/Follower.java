package io.eraft.raft.core;

/** Follows the leader of the current term; campaigns when it stops hearing from one. */
final class Follower extends RoleState {
  Follower(RaftCore core) {
    super(core);
  }

  @Override
  Role type() {
    return Role.FOLLOWER;
  }

  @Override
  void tick() {
    campaignOnElectionTimeout();
  }

  @Override
  void step(RaftMessage m) {
    if (m instanceof AppendEntries ae) {
      heardFromLeader(ae);
      core.handleAppendEntries(ae);
    } else if (m instanceof InstallSnapshot is) {
      heardFromLeader(is);
      core.handleInstallSnapshot(is);
    } else {
      ignore(m);
    }
  }

  private void heardFromLeader(RaftMessage m) {
    core.resetElectionElapsed();
    core.setLeaderId(m.from());
  }
}
