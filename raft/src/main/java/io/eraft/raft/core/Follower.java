package io.eraft.raft.core;

/**
 * Follows the leader of the current term (the receiver side of AppendEntries and InstallSnapshot);
 * campaigns when it stops hearing from one, if it may vote.
 */
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
      handleAppendEntries(ae);
    } else if (m instanceof InstallSnapshot is) {
      heardFromLeader(is);
      handleInstallSnapshot(is);
    } else {
      ignore(m);
    }
  }

  private void heardFromLeader(RaftMessage m) {
    core.resetElectionElapsed();
    core.setLeaderId(m.from());
  }

  /** AppendEntries from the current leader (figure 2, receiver implementation). */
  private void handleAppendEntries(AppendEntries m) {
    RaftLog log = core.log();
    long matched;
    if (m.prevLogIndex() < log.committed()) {
      // Everything through our commit index already matches the leader's log.
      matched = log.committed();
    } else {
      matched = log.maybeAppend(m.prevLogIndex(), m.prevLogTerm(), m.leaderCommit(), m.entries());
    }
    if (matched >= 0) {
      if (matched >= log.lastIndex()) {
        core.matchedLeaderLog(m.clusterId());
      }
      if (core.isRecovering() && m.restoreIndex() > 0 && matched >= m.restoreIndex()) {
        core.restoreVoter(m.from());
      }
      core.sendAfterPersist(new AppendEntriesResponse(core.id(), m.from(), core.term(), true, matched, 0, 0,
          m.readRound(), core.isRecovering(), m.callId()));
      return;
    }
    long hintIndex = log.lastIndexWithTermAtMost(Math.min(m.prevLogIndex(), log.lastIndex()), m.prevLogTerm());
    core.logger().debug("node {} rejects append at {}/{} from {}; hint {}/{}", core.id(), m.prevLogIndex(),
        m.prevLogTerm(), m.from(), hintIndex, log.term(hintIndex));
    core.sendAfterPersist(new AppendEntriesResponse(core.id(), m.from(), core.term(), false, m.prevLogIndex(),
        hintIndex, log.term(hintIndex), m.readRound(), core.isRecovering(), m.callId()));
  }

  /** A fully received snapshot from the current leader. */
  private void handleInstallSnapshot(InstallSnapshot m) {
    RaftLog log = core.log();
    SnapshotMeta meta = m.meta();
    long match;
    if (meta.index() <= log.committed()) {
      match = log.committed();
    } else if (log.matchTerm(meta.index(), meta.term())) {
      log.commitTo(meta.index()); // we hold that entry already: just fast-forward the commit
      match = meta.index();
    } else {
      core.logger().atInfo().addKeyValue("index", meta.index()).addKeyValue("snapshotTerm", meta.term())
          .addKeyValue("leader", m.from()).log("node {} takes a snapshot from the leader", core.id());
      log.restore(meta);
      match = meta.index();
    }
    core.sendAfterPersist(new InstallSnapshotResponse(core.id(), m.from(), core.term(), match, m.callId()));
  }
}
