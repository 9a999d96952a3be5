package io.eraft.raft.core;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How a node that starts with no Raft state at all tells a brand-new group from one that exists
 * (and that it lost its disk in, or never joined): it asks every peer, by {@link GroupQuery},
 * whether it holds any of the group's log, until the answers decide.
 *
 * <ul>
 *   <li>One peer that holds log entries (or is itself recovering) proves the group exists: the
 *       node must recover from a leader before it votes.
 *   <li>Every other node reporting an empty log decides that nothing was ever committed, and the
 *       node joins as a voter that will not vote in any term up to the highest they report (its
 *       fence). Why that is safe, should this node have lost its disk: fewer than a majority of
 *       nodes ever lose their disks at once, so every majority the node once belonged to — the
 *       holders of a committed entry, or the voters that elected a leader with its vote — still
 *       has a member with its state, and that member is among the nodes asked. A committed entry
 *       would show in its log; a term in which the node's lost vote helped elect a leader is at most
 *       its term, so within the fence. The node thus never forgets a committed entry and never
 *       votes twice in a term. (Fewer answers would do if only one node could lose its disk at a
 *       time; several at once, each of a minority, need them all.)
 * </ul>
 *
 * <p>Empty logs rather than empty states decide, so that peers that already started the new group
 * and campaigned (a term and a vote for themselves, nothing more) do not look like an existing
 * group: that would leave the late node waiting for a leader that needs its vote.
 *
 * <p>A brand-new group therefore elects its first leader once all its nodes have started; after
 * that any majority serves. Until decided, the question is asked again every heartbeat interval of
 * whoever has not answered that its log is empty. Thread-confined to the core.
 */
final class GroupDiscovery {
  enum Outcome { PENDING, NEW_GROUP, EXISTING_GROUP }

  private final long selfId;
  private final List<Long> peers;
  private final int emptyAnswersNeeded;
  private final Set<Long> emptyPeers = new HashSet<>();
  private long fenceTerm;

  GroupDiscovery(long selfId, List<Long> peers) {
    this.selfId = selfId;
    this.peers = peers;
    this.emptyAnswersNeeded = peers.size() - 1;
  }

  /** The queries to send now: one to every peer that has not said it holds nothing. */
  List<GroupQuery> queries(long term) {
    return peers.stream()
        .filter(p -> p != selfId && !emptyPeers.contains(p))
        .map(p -> new GroupQuery(selfId, p, term, 0))
        .toList();
  }

  Outcome record(GroupQueryResponse answer) {
    if (answer.groupExists()) {
      return Outcome.EXISTING_GROUP;
    }
    emptyPeers.add(answer.from());
    fenceTerm = Math.max(fenceTerm, answer.term());
    return emptyPeers.size() >= emptyAnswersNeeded ? Outcome.NEW_GROUP : Outcome.PENDING;
  }

  int emptyPeers() {
    return emptyPeers.size();
  }

  /** The highest term the peers with empty logs reported: a new voter must not vote up to it. */
  long fenceTerm() {
    return fenceTerm;
  }
}
