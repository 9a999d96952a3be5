package io.eraft.raft.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The followers a leader is restoring after they lost their state.
 *
 * <p>A follower that lost its state answers with {@code recovering} set. The leader then forgets
 * all it knew of that follower's log and records a {@link Restoration}: the end of its own log, which holds every entry the follower could once have
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
 * Until then the follower neither votes nor campaigns, and its acknowledgements count toward no
 * commit, ReadIndex round or CheckQuorum: it forgot its term, so it follows a leader of a term it
 * may once have voted past. Counted, it could give a deposed leader the majority for an entry the
 * leader of the later term — elected with its vote before the loss — never sees (the randomized
 * simulation found that: two leaders committed different entries at one index). A late answer of
 * its earlier self can only lead to a restoration the follower refuses (it checks that its own log
 * matches through the target) and to a rejection of an index it "acknowledged", on which the
 * leader forgets it again — as it does when a recovering follower loses its disk once more.
 *
 * <p>Thread-confined to the raft loop; dies with its leader.
 */
final class Restorations {
  /** One follower being restored: the index it must hold and the round that must be confirmed. */
  private static final class Restoration {
    final long target;
    final long round;
    boolean sent;

    Restoration(long target, long round) {
      this.target = target;
      this.round = round;
    }
  }

  private final RaftCore core;
  private final Map<Long, Restoration> byPeer = new HashMap<>();

  Restorations(RaftCore core) {
    this.core = core;
  }

  /**
   * Tracks whether {@code m}'s sender lost its state. An answer without {@code recovering} ends a
   * restoration: the follower was restored, or the answer is its earlier self's (then its next
   * answer starts the restoration again).
   *
   * @param lastIndex the leader's last log index: the target of a new restoration
   */
  void track(AppendEntriesResponse m, Progress pr, long lastIndex, ReadIndexQueue reads) {
    pr.setRecovering(m.recovering());
    Restoration r = byPeer.get(m.from());
    if (!m.recovering()) {
      if (r != null) {
        byPeer.remove(m.from());
        if (r.sent) {
          core.logger().atInfo().addKeyValue("term", core.term()).addKeyValue("follower", m.from())
              .addKeyValue("match", pr.match()).log("node {} (leader): a follower is a voter again", core.id());
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
      r = new Restoration(lastIndex, reads.requestRound());
      byPeer.put(m.from(), r);
      core.logger().atWarn().addKeyValue("term", core.term()).addKeyValue("follower", m.from())
          .addKeyValue("votesAgainAt", r.target).log("node {} (leader): a follower lost its state; it counts as"
              + " holding nothing it acknowledged before, and will vote again once it holds the log through"
              + " votesAgainAt", core.id());
    }
  }

  /**
   * The followers whose restoration may be sent now (their conditions hold); each is returned
   * once.
   *
   * @param selfRound the last ReadIndex round the leader started
   */
  List<Long> due(Map<Long, Progress> progress, long selfRound) {
    List<Long> due = new ArrayList<>();
    for (Map.Entry<Long, Restoration> e : byPeer.entrySet()) {
      Restoration r = e.getValue();
      if (!r.sent && progress.get(e.getKey()).match() >= r.target && confirmed(progress, selfRound, r.round)) {
        r.sent = true;
        due.add(e.getKey());
      }
    }
    return due;
  }

  /** The {@code restoreIndex} AppendEntries to {@code peer} carry: its target once due, else 0. */
  long restoreIndex(long peer) {
    Restoration r = byPeer.get(peer);
    return r != null && r.sent ? r.target : 0;
  }

  /** Whether a majority of nodes acknowledged {@code round} in answers that were not recovering. */
  private boolean confirmed(Map<Long, Progress> progress, long selfRound, long round) {
    long acked = progress.keySet().stream()
        .filter(peer -> peer == core.id() ? selfRound >= round : progress.get(peer).voterAckedRound() >= round)
        .count();
    return acked >= Quorum.majority(progress.size());
  }
}
