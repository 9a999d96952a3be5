package io.eraft.raft.core;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Leads the current term: replicates its log to every follower (one {@link Progress} each), advances
 * the commit index, answers ReadIndex requests and, with CheckQuorum, steps down when cut off from
 * a majority; and restores followers that lost their state.
 *
 * <p><b>Restoring a follower that lost its state.</b> Such a follower answers with {@code
 * recovering} set. The leader then forgets all it knew of that follower's log and records a
 * {@link Restoration}: the end of its own log, which holds every entry the follower could once have
 * helped commit (this leader holds every committed entry), and a ReadIndex round started now. It
 * restores the follower (a {@code restoreIndex} on its AppendEntries: the target, which the follower
 * checks its log matches, so a follower that lost its disk again in between is not restored) once
 * both hold:
 *
 * <ul>
 *   <li>the follower acknowledged the log through that end, so it holds every committed entry it
 *       ever acknowledged;
 *   <li>a majority not counting any recovering follower acknowledged the round in this term. A term
 *       in which the follower's lost vote could have helped elect a leader was recorded by a
 *       majority including the follower, so by one of this majority, which would have refused a
 *       leader of an older term: every such term is at most this one. The follower counts its vote
 *       in this term as given to this leader, so it never votes twice in one term.
 * </ul>
 *
 * Until then the follower neither votes nor campaigns. Its acknowledgements still count toward
 * commits, ReadIndex rounds and CheckQuorum: since it cannot vote, any majority that elects a later
 * leader overlaps the rest of every such quorum, and the restoration target covers whatever they
 * helped commit. That holds even for a late answer of its earlier self, which can also only lead
 * to a restoration the follower refuses (it checks that its own log matches through the target)
 * and to a rejection of an index it "acknowledged", on which the leader forgets it again — as it
 * does when a recovering follower loses its disk once more.
 */
final class Leader extends RoleState {
  /** A follower being restored after it lost its state. */
  private static final class Restoration {
    final long target;
    final long round;
    boolean sent;

    Restoration(long target, long round) {
      this.target = target;
      this.round = round;
    }
  }

  private final RaftLog log;
  private final Map<Long, Progress> progress = new LinkedHashMap<>();
  private final Map<Long, Restoration> restorations = new HashMap<>();
  private final ReadIndexQueue reads;
  private int heartbeatElapsed;
  private boolean committedInTerm;
  /** New entries not yet announced; announced once per Ready so proposals batch into one message. */
  private boolean appendsPending;

  Leader(RaftCore core) {
    super(core);
    this.log = core.log();
    CoreConfig config = core.config();
    for (long peer : core.peers()) {
      Progress pr = new Progress(log.lastIndex() + 1,
          new Inflights(config.maxInflightMessages(), config.maxInflightBytes()));
      progress.put(peer, pr);
    }
    self().maybeUpdate(log.lastStableIndex());
    self().becomeReplicate();
    self().setRecentActive(true);
    this.reads = new ReadIndexQueue(core.id(), core.peers());
  }

  /** Appends the no-op of thesis §6.4, which commits the entries of earlier terms. */
  void start() {
    log.append(List.of(Entry.noop(log.lastIndex() + 1, core.term())));
    appendsPending = true;
  }

  @Override
  Role type() {
    return Role.LEADER;
  }

  @Override
  void tick() {
    heartbeatElapsed++;
    if (core.tickQuorumCheck() && core.config().checkQuorum()) {
      if (!quorumActive()) {
        core.logger().warn("node {} steps down at term {}: no quorum heard from in an election timeout",
            core.id(), core.term());
        core.becomeFollower(core.term(), SoftState.NO_LEADER);
        return;
      }
      progress.forEach((peer, pr) -> pr.setRecentActive(peer == core.id()));
    }
    if (heartbeatElapsed >= core.config().heartbeatTicks()) {
      heartbeatElapsed = 0;
      broadcastHeartbeat();
      progress.forEach((peer, pr) -> {
        if (peer != core.id() && pr.heartbeatElapsed()) {
          sendAppend(peer, false);
        }
      });
    }
  }

  @Override
  void step(RaftMessage m) {
    if (m instanceof AppendEntriesResponse r) {
      handleAppendResponse(r);
    } else if (m instanceof InstallSnapshotResponse r) {
      handleSnapshotResponse(r);
    } else if (m instanceof AppendEntries || m instanceof InstallSnapshot) {
      throw new IllegalStateException("node " + core.id() + " is leader of term " + core.term()
          + " but node " + m.from() + " also claims it: election safety violated");
    } else {
      ignore(m);
    }
  }

  ProposeResult propose(List<ByteString> commands) {
    long first = log.lastIndex() + 1;
    List<Entry> entries = new ArrayList<>(commands.size());
    for (int i = 0; i < commands.size(); i++) {
      entries.add(new Entry(first + i, core.term(), commands.get(i)));
    }
    log.append(entries);
    appendsPending = true;
    return new ProposeResult(true, first, core.term(), core.id());
  }

  void readIndex(long requestId) {
    if (!committedInTerm) {
      reads.awaitFirstCommit(requestId);
    } else if (progress.size() == 1) {
      core.addReadState(new ReadState(requestId, log.committed()));
    } else {
      reads.add(requestId, log.committed());
    }
  }

  /** Whether {@link #flush()} has messages to send. */
  boolean hasPendingSends() {
    return appendsPending || reads.hasUnsentRound();
  }

  /**
   * Sends what accumulated since the last Ready: one AppendEntries per follower for all new
   * entries, and one heartbeat round for all reads queued since the last round.
   */
  void flush() {
    if (reads.hasUnsentRound()) {
      reads.startRound();
      broadcastHeartbeat();
    }
    if (appendsPending) {
      appendsPending = false;
      broadcastAppend();
    }
  }

  void selfPersisted(long lastStableIndex) {
    if (self().maybeUpdate(lastStableIndex)) {
      maybeCommit();
    }
  }

  void peerUnreachable(long peer) {
    Progress pr = progress.get(peer);
    if (pr != null && pr.state() == Progress.State.REPLICATE) {
      pr.becomeProbe();
    }
  }

  void snapshotFailed(long peer) {
    Progress pr = progress.get(peer);
    if (pr != null && pr.state() == Progress.State.SNAPSHOT) {
      pr.becomeProbe();
      // Wait for a heartbeat response before retrying, so a dead peer costs one try per heartbeat.
      pr.sentEntries(pr.match(), 0, false);
    }
  }

  void stepDown() {
    for (ReadState rs : reads.failAll()) {
      core.addReadState(rs);
    }
  }

  private Progress self() {
    return progress.get(core.id());
  }

  private void handleAppendResponse(AppendEntriesResponse m) {
    Progress pr = progress.get(m.from());
    trackRecovery(m, pr);
    pr.setRecentActive(true);
    confirmReads(m.from(), m.readRound());
    if (!m.success()) {
      handleRejection(m, pr);
      maybeRestore();
      return;
    }
    pr.acknowledgedSomething();
    if (pr.maybeUpdate(m.index())) {
      switch (pr.state()) {
        case PROBE -> pr.becomeReplicate();
        case SNAPSHOT -> {
          if (pr.match() >= pr.pendingSnapshot()) {
            pr.becomeProbe();
          }
        }
        case REPLICATE -> pr.acknowledged(m.index());
      }
      maybeCommit();
    } else {
      pr.responseReceived();
    }
    while (sendAppend(m.from(), false)) {
      // keep the pipeline full
    }
    maybeRestore();
  }

  private void handleRejection(AppendEntriesResponse m, Progress pr) {
    long nextProbe = m.conflictIndex();
    if (m.conflictTerm() > 0) {
      nextProbe = log.lastIndexWithTermAtMost(m.conflictIndex(), m.conflictTerm());
    }
    if (pr.maybeDecreaseTo(m.index(), nextProbe)) {
      core.logger().debug("node {} backs up follower {} to {}", core.id(), m.from(), pr);
      if (pr.state() == Progress.State.REPLICATE) {
        pr.becomeProbe();
      }
      sendAppend(m.from(), true);
    } else if (pr.rejectionBelowMatchWorthWarning(m.index())) {
      core.logger().warn("node {} (leader, term {}): follower {} keeps rejecting index {} although it "
          + "acknowledged the log through {}; its log ends at or before {} (term {}). It is probed once per "
          + "heartbeat until it matches; if it lost its disk without saying so, its data directory may be damaged",
          core.id(), core.term(), m.from(), m.index(), pr.match(), m.conflictIndex(), m.conflictTerm());
    }
    // else a stale rejection: a later message already moved this follower on
  }

  /**
   * Tracks whether {@code m}'s sender lost its state (see the class comment). An answer without
   * {@code recovering} ends a restoration: the follower was restored, or the answer is its earlier
   * self's (then its next answer starts the restoration again).
   */
  private void trackRecovery(AppendEntriesResponse m, Progress pr) {
    Restoration r = restorations.get(m.from());
    if (!m.recovering()) {
      if (r != null) {
        restorations.remove(m.from());
        if (r.sent) {
          core.logger().info("node {} (leader, term {}): follower {} is a voter again (log through {})", core.id(),
              core.term(), m.from(), pr.match());
        }
      }
      if (m.readRound() <= reads.sentRound()) {
        pr.voterAcknowledgedRound(m.readRound());
      }
      return;
    }
    if (r == null || (!m.success() && m.index() <= pr.match())) {
      // Probing resumes right after the index this answer is about, so its hint applies.
      pr.forgetLostState(m.index() + 1);
      r = new Restoration(log.lastIndex(), reads.requestRound());
      restorations.put(m.from(), r);
      core.logger().warn("node {} (leader, term {}): follower {} lost its state; it counts as holding nothing "
          + "it acknowledged before, and will vote again once it holds the log through {}", core.id(),
          core.term(), m.from(), r.target);
    }
  }

  /** Restores every recovering follower whose conditions (class comment) now hold. */
  private void maybeRestore() {
    for (Map.Entry<Long, Restoration> e : restorations.entrySet()) {
      Restoration r = e.getValue();
      if (!r.sent && progress.get(e.getKey()).match() >= r.target && confirmedWithoutRecovering(r.round)) {
        r.sent = true;
        sendAppend(e.getKey(), true);
      }
    }
  }

  /** Whether a majority of nodes acknowledged {@code round} in answers that were not recovering. */
  private boolean confirmedWithoutRecovering(long round) {
    long acked = progress.keySet().stream()
        .filter(peer -> peer == core.id() ? reads.sentRound() >= round : progress.get(peer).voterAckedRound() >= round)
        .count();
    return acked >= Quorum.majority(progress.size());
  }

  private void handleSnapshotResponse(InstallSnapshotResponse m) {
    Progress pr = progress.get(m.from());
    pr.setRecentActive(true);
    pr.maybeUpdate(m.matchIndex());
    if (pr.state() == Progress.State.SNAPSHOT) {
      pr.becomeProbe();
    }
    sendAppend(m.from(), false);
    maybeRestore();
  }

  private void confirmReads(long peer, long round) {
    for (ReadState rs : reads.acknowledge(peer, round)) {
      core.addReadState(rs);
    }
  }

  /** Figure 2: commit the highest index stored on a majority, if it is from the current term. */
  private void maybeCommit() {
    long[] matches = progress.values().stream().mapToLong(Progress::match).toArray();
    long n = Quorum.committedIndex(matches);
    if (n <= log.committed() || log.term(n) != core.term()) {
      return;
    }
    log.commitTo(n);
    if (!committedInTerm) {
      committedInTerm = true;
      for (long requestId : reads.drainAwaitingFirstCommit()) {
        readIndex(requestId);
      }
    }
  }

  private void broadcastAppend() {
    for (long peer : progress.keySet()) {
      if (peer != core.id()) {
        sendAppend(peer, true);
      }
    }
  }

  /**
   * Sends the next AppendEntries to {@code peer} unless its progress is paused; falls back to a
   * snapshot when the entries it needs were compacted. Returns whether entries were sent.
   */
  private boolean sendAppend(long peer, boolean sendIfEmpty) {
    Progress pr = progress.get(peer);
    if (pr.isPaused()) {
      return false;
    }
    long prevIndex = pr.next() - 1;
    long prevTerm = log.term(prevIndex);
    if (prevTerm == RaftLogReader.UNKNOWN_TERM) {
      sendSnapshot(peer, pr);
      return false;
    }
    List<Entry> entries = log.entriesFrom(pr.next(), core.config().maxBytesPerMessage());
    if (entries.isEmpty() && !sendIfEmpty) {
      return false;
    }
    long bytes = 0;
    for (Entry e : entries) {
      bytes += e.sizeBytes();
    }
    core.send(new AppendEntries(core.id(), peer, core.term(), prevIndex, prevTerm, entries, log.committed(),
        reads.sentRound(), restoreIndex(peer), 0));
    pr.sentEntries(prevIndex + entries.size(), bytes, !entries.isEmpty());
    return !entries.isEmpty();
  }

  private void sendSnapshot(long peer, Progress pr) {
    SnapshotMeta meta = log.snapshotMeta();
    core.logger().info("node {} sends snapshot at {}/{} to {} ({})", core.id(), meta.index(), meta.term(), peer, pr);
    pr.becomeSnapshot(meta.index());
    core.send(new InstallSnapshot(core.id(), peer, core.term(), meta.index(), meta.term(), 0));
  }

  /**
   * Heartbeats are empty AppendEntries anchored at the follower's known match, so they never need
   * compacted entries and only ever advance its commit to what it provably holds.
   */
  private void broadcastHeartbeat() {
    for (Map.Entry<Long, Progress> e : progress.entrySet()) {
      long peer = e.getKey();
      if (peer == core.id()) {
        continue;
      }
      long match = e.getValue().match();
      long matchTerm = log.term(match);
      if (matchTerm == RaftLogReader.UNKNOWN_TERM) {
        match = 0;
        matchTerm = 0;
      }
      core.send(new AppendEntries(core.id(), peer, core.term(), match, matchTerm, List.of(),
          Math.min(match, log.committed()), reads.sentRound(), restoreIndex(peer), 0));
    }
  }

  private long restoreIndex(long peer) {
    Restoration r = restorations.get(peer);
    return r != null && r.sent ? r.target : 0;
  }

  private boolean quorumActive() {
    long active = progress.values().stream().filter(Progress::recentActive).count();
    return active >= Quorum.majority(progress.size());
  }
}
