package io.eraft.raft.sim;

import io.eraft.raft.core.CoreStatus;
import io.eraft.raft.core.Entry;
import io.eraft.raft.core.RaftLogReader;
import io.eraft.raft.core.Role;
import io.eraft.raft.storage.LogStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the Raft safety properties (paper figure 3, TESTING.md §3.6) over a simulated cluster:
 * election safety, log matching, leader completeness, state-machine safety, monotonic terms and
 * commit indexes, no second vote in a term (across restarts), and no acknowledgement of an entry
 * that is not durable. A violation throws {@link AssertionError}.
 */
public final class SafetyChecker {
  private record Vote(long term, long voter) {}

  /** A vote's candidate, and how many disks that candidate had lost when it got the vote. */
  private record Grant(long candidate, int candidateLife) {}

  private final Map<Long, Long> leaderOfTerm = new HashMap<>();
  private final Map<Vote, Grant> votes = new HashMap<>();
  /** Votes cast by nodes before they lost their disks. */
  private final Map<Vote, Grant> earlierLifeVotes = new HashMap<>();
  /** How many times each node lost its disk. */
  private final Map<Long, Integer> lives = new HashMap<>();
  private final Map<Long, Entry> committed = new HashMap<>();
  /** The term of the leader that first committed each index. */
  private final Map<Long, Long> commitTerm = new HashMap<>();
  private final Map<Long, Long> lastTerm = new HashMap<>();
  private final Map<Long, Long> lastCommit = new HashMap<>();
  private long maxCommitted;

  /** Called after every event with each live node's status. */
  void observe(CoreStatus s) {
    if (s.role() == Role.LEADER) {
      Long other = leaderOfTerm.putIfAbsent(s.term(), s.id());
      if (other != null && other != s.id()) {
        fail("election safety: nodes " + other + " and " + s.id() + " both lead term " + s.term());
      }
    }
    long prevTerm = lastTerm.getOrDefault(s.id(), 0L);
    if (s.term() < prevTerm) {
      fail("node " + s.id() + " term went back from " + prevTerm + " to " + s.term());
    }
    lastTerm.put(s.id(), s.term());
    long prevCommit = lastCommit.getOrDefault(s.id(), 0L);
    if (s.commitIndex() < prevCommit) {
      fail("node " + s.id() + " commit index went back from " + prevCommit + " to " + s.commitIndex());
    }
    if (s.role() == Role.LEADER) {
      for (long i = prevCommit + 1; i <= s.commitIndex(); i++) {
        commitTerm.putIfAbsent(i, s.term());
      }
    }
    lastCommit.put(s.id(), s.commitIndex());
    if (s.appliedIndex() > s.commitIndex()) {
      fail("node " + s.id() + " applied " + s.appliedIndex() + " beyond commit " + s.commitIndex());
    }
  }

  /**
   * A node restarted: its in-memory term and commit are rebuilt from disk, so they may be lower
   * than before only by what was never made durable; start its monotonic tracking afresh.
   */
  void restarted(long node) {
    lastTerm.remove(node);
    lastCommit.remove(node);
  }

  /**
   * A node granted its vote in {@code term} to {@code candidate} (the reply left the node), which
   * asked for it with its disk number {@code candidateDisk} ({@link #disk}).
   */
  void voteGranted(long voter, long term, long candidate, int candidateDisk) {
    Grant previous = votes.putIfAbsent(new Vote(term, voter), new Grant(candidate, candidateDisk));
    if (previous != null && previous.candidate() != candidate) {
      fail("node " + voter + " voted for both " + previous.candidate() + " and " + candidate + " in term " + term);
    }
    Grant earlier = earlierLifeVotes.get(new Vote(term, voter));
    if (earlier != null && earlier.candidate() != candidate && earlier.candidateLife() == disk(earlier.candidate())) {
      fail("node " + voter + " voted for " + earlier.candidate() + " in term " + term + " before it lost its disk, "
          + "and for " + candidate + " after, while " + earlier.candidate() + " kept its state (and could win that term)");
    }
  }

  /** How many times {@code node} lost its disk: a candidacy lives only as long as its disk. */
  int disk(long node) {
    return lives.getOrDefault(node, 0);
  }

  /**
   * {@code node} lost its disk and restarted empty. Its earlier votes still bind it in every term
   * whose candidate has kept its state since (voting for someone else would let two candidates
   * win); a candidacy dies with its candidate's disk.
   */
  void diskLost(long node) {
    restarted(node);
    lives.merge(node, 1, Integer::sum);
    votes.entrySet().removeIf(e -> {
      if (e.getKey().voter() == node) {
        earlierLifeVotes.put(e.getKey(), e.getValue());
        return true;
      }
      return false;
    });
  }

  /** A node acknowledged holding entries through {@code index}; they must be on its disk. */
  void acknowledged(long node, long index, LogStore durable) {
    if (index > durable.lastIndex() && index > durable.snapshotMeta().index()) {
      fail("node " + node + " acknowledged index " + index + " but its disk holds only through "
          + durable.lastIndex());
    }
  }

  /** A node applied {@code e}; every node must apply the same entry at each index. */
  void applied(long node, Entry e) {
    Entry first = committed.putIfAbsent(e.index(), e);
    if (first != null && !first.equals(e)) {
      fail("state machine safety: node " + node + " applied " + describe(e) + " but another node applied "
          + describe(first));
    }
    maxCommitted = Math.max(maxCommitted, e.index());
  }

  /**
   * Leader completeness: a leader of {@code term} holds every entry committed in an earlier term.
   * (A leader of an older term can still be elected late, when its votes arrive late.)
   */
  void checkLeaderCompleteness(long leader, long term, RaftLogReader log) {
    for (long i = Math.max(log.firstIndex(), 1); i <= maxCommitted; i++) {
      Entry e = committed.get(i);
      Long committedIn = commitTerm.get(i);
      if (e == null || committedIn == null || committedIn >= term) {
        continue;
      }
      long t = log.term(i);
      if (t != e.term()) {
        fail("leader completeness: leader " + leader + " has term " + t + " at " + i
            + " but " + describe(e) + " was committed");
      }
    }
  }

  /** Log matching: if two logs hold an entry with the same index and term, they agree before it. */
  void checkLogMatching(long a, RaftLogReader logA, long b, RaftLogReader logB) {
    long lo = Math.max(logA.firstIndex(), logB.firstIndex());
    long hi = Math.min(logA.lastIndex(), logB.lastIndex());
    if (lo > hi) {
      return;
    }
    List<Entry> ea = logA.entries(lo, hi + 1, Long.MAX_VALUE);
    List<Entry> eb = logB.entries(lo, hi + 1, Long.MAX_VALUE);
    boolean matchedAbove = false;
    for (int i = ea.size() - 1; i >= 0; i--) {
      if (ea.get(i).term() == eb.get(i).term()) {
        matchedAbove = true;
        if (!ea.get(i).equals(eb.get(i))) {
          fail("log matching: nodes " + a + " and " + b + " hold different entries with index "
              + ea.get(i).index() + " term " + ea.get(i).term());
        }
      } else if (matchedAbove) {
        fail("log matching: nodes " + a + " and " + b + " match at a later index but differ at "
            + ea.get(i).index());
      }
    }
  }

  public long maxCommitted() {
    return maxCommitted;
  }

  private static String describe(Entry e) {
    return "entry " + e.index() + "/" + e.term() + " (" + e.data().size() + " bytes)";
  }

  private static void fail(String message) {
    throw new AssertionError(message);
  }
}
