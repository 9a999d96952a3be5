package io.eraft.raft.core;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Leads the current term: replicates its log to every follower (one {@link Progress} each), advances
 * the commit index, answers ReadIndex requests and, with CheckQuorum, steps down when cut off from
 * a majority; and restores followers that lost their state.
 *
 * <p>A follower that lost its state is restored as {@link Restorations} describes.
 */
final class Leader extends RoleState {
  private final RaftLog log;
  private final Map<Long, Progress> progress = new LinkedHashMap<>();
  private final Restorations restorations;
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
    this.restorations = new Restorations(core);
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
        core.logger().atWarn().addKeyValue("term", core.term())
            .log("node {} steps down: no quorum heard from in an election timeout", core.id());
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
          sendAppend(peer, true);
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

  /** How far each follower's log is known to match this leader's. */
  Map<Long, Long> followerMatches() {
    Map<Long, Long> matches = new LinkedHashMap<>();
    progress.forEach((peer, pr) -> {
      if (peer != core.id()) {
        matches.put(peer, pr.match());
      }
    });
    return matches;
  }

  private Progress self() {
    return progress.get(core.id());
  }

  private void handleAppendResponse(AppendEntriesResponse m) {
    Progress pr = progress.get(m.from());
    restorations.track(m, pr, log.lastIndex(), reads);
    if (!pr.recovering()) {
      pr.setRecentActive(true);
      confirmReads(m.from(), m.readRound());
    }
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
      if (pr.state() == Progress.State.REPLICATE && pr.match() < log.lastIndex()) {
        // An answer that acknowledges nothing new (a heartbeat's) while entries are outstanding:
        // probe at the tip, as etcd does. The stream keeps order, so the probe fails only if an
        // append before it was lost, and the rejection sends the lost entries again; without it an
        // idle group's follower would wait for the next proposal.
        sendAppend(m.from(), true);
      }
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
      return;
    }
    pr.rejectedInPlace();
    if (pr.rejectionBelowMatchWorthWarning(m.index())) {
      core.logger().atWarn().addKeyValue("term", core.term()).addKeyValue("follower", m.from())
          .addKeyValue("rejected", m.index()).addKeyValue("acknowledged", pr.match())
          .addKeyValue("conflictIndex", m.conflictIndex()).addKeyValue("conflictTerm", m.conflictTerm())
          .log("node {} (leader): a follower keeps rejecting entries it acknowledged; its log ends at or before"
              + " conflictIndex. It is probed once per heartbeat until it matches; if it lost its disk without"
              + " saying so, its data directory may be damaged", core.id());
    }
  }

  /** Restores every recovering follower whose conditions (see {@link Restorations}) now hold. */
  private void maybeRestore() {
    for (long peer : restorations.due(progress, reads.sentRound())) {
      sendAppend(peer, true);
    }
  }

  private void handleSnapshotResponse(InstallSnapshotResponse m) {
    Progress pr = progress.get(m.from());
    if (!pr.recovering()) {
      pr.setRecentActive(true);
    }
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

  /**
   * Figure 2: commit the highest index stored on a majority, if it is from the current term. A
   * recovering follower holds entries but counts toward no majority (see {@link Restorations}).
   */
  private void maybeCommit() {
    long[] matches = progress.values().stream().mapToLong(pr -> pr.recovering() ? 0 : pr.match()).toArray();
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
        reads.sentRound(), restorations.restoreIndex(peer), core.clusterId(), 0));
    pr.sentEntries(prevIndex + entries.size(), bytes, !entries.isEmpty());
    return !entries.isEmpty();
  }

  private void sendSnapshot(long peer, Progress pr) {
    SnapshotMeta meta = log.snapshotMeta();
    core.logger().atInfo().addKeyValue("index", meta.index()).addKeyValue("snapshotTerm", meta.term())
        .addKeyValue("to", peer).addKeyValue("progress", pr).log("node {} sends a snapshot", core.id());
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
          Math.min(match, log.committed()), reads.sentRound(), restorations.restoreIndex(peer), core.clusterId(), 0));
    }
  }

  private boolean quorumActive() {
    long active = progress.values().stream().filter(Progress::recentActive).count();
    return active >= Quorum.majority(progress.size());
  }
}
