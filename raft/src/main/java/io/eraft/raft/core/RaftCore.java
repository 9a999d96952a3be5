package io.eraft.raft.core;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The Raft consensus algorithm as a deterministic state machine (the etcd-raft shape). It owns no
 * thread, clock, randomness source or I/O: time enters through {@link #tick()}, peers' traffic
 * through {@link #step(RaftMessage)}, client work through {@link #propose} and
 * {@link #readIndex(long)}, and everything it wants done leaves through {@link #ready()}. Given the
 * same inputs and the same seeded {@code Random}, two cores behave identically.
 *
 * <p>Implements elections with PreVote and CheckQuorum (thesis §9.6, §6.2), replication with
 * pipelining and fast conflict backtracking, the current-term commit rule (paper §5.4.2), a no-op
 * entry on election, ReadIndex (thesis §6.4) and snapshot installation.
 *
 * <p>Beyond the paper, a node that lost its disk rejoins safely ({@link Standing}): a node with no
 * state first asks its peers whether the group exists ({@link GroupDiscovery}); if it does, the
 * node is recovering — it neither votes nor campaigns, and says so in every answer, so the leader
 * forgets what it knew of its log — until a leader restores it (see {@code Leader}).
 *
 * <p>Not thread-safe: thread-confined to the raft loop that drives it.
 */
public final class RaftCore {
  private final CoreConfig config;
  private final long id;
  private final List<Long> peers;
  private final Logger logger;
  private final RaftLog log;

  private long term;
  private long votedFor;
  private long leaderId = SoftState.NO_LEADER;
  private RoleState role;
  private Standing standing;
  /** See {@link #clusterId()}. */
  private long clusterId;
  /** Set while {@link Standing#UNDECIDED}. */
  private GroupDiscovery discovery;
  private int electionElapsed;
  private int randomizedElectionTimeout;

  private List<RaftMessage> messages = new ArrayList<>();
  private List<RaftMessage> messagesAfterPersist = new ArrayList<>();
  private List<ReadState> readStates = new ArrayList<>();
  private HardState lastHardState;
  private SoftState lastSoftState;

  public RaftCore(CoreConfig config, RaftLogReader storage) {
    this.config = config;
    this.id = config.id();
    this.peers = config.peers();
    this.logger = config.logger();
    this.log = new RaftLog(storage, config.applied());
    HardState hs = storage.hardState();
    this.term = hs.term();
    this.votedFor = hs.votedFor();
    this.clusterId = hs.clusterId();
    this.lastHardState = hs;
    this.role = new Follower(this);
    this.standing = initialStanding(hs);
    resetElectionTimer();
    this.lastSoftState = softState();
    if (standing == Standing.UNDECIDED) {
      discovery = new GroupDiscovery(id, peers);
      discovery.queries(term).forEach(this::send);
    }
  }

  /**
   * A node that never persisted a hard state has promised nothing, but it may have lost a disk that
   * held promises: it must find out before it votes. A recovering node stays recovering.
   */
  private Standing initialStanding(HardState hs) {
    if (peers.size() == 1) {
      return Standing.VOTER; // alone, it has nobody to ask or to be restored by
    }
    if (hs.recovering()) {
      return Standing.RECOVERING;
    }
    return hs.isEmpty() ? Standing.UNDECIDED : Standing.VOTER;
  }

  // ---- inputs ------------------------------------------------------------------------------

  /** Advances logical time by one tick: election timeouts, heartbeats and quorum checks. */
  public void tick() {
    if (standing == Standing.UNDECIDED) {
      if (tickElapsedReaches(config.heartbeatTicks())) {
        discovery.queries(term).forEach(this::send);
      }
      return;
    }
    role.tick();
  }

  /** Handles one message from a peer. Every request is answered exactly once. */
  public void step(RaftMessage m) {
    if (m.to() != id || !peers.contains(m.from()) || m.from() == id) {
      logger.debug("node {} ignoring misaddressed message {}", id, m);
      return;
    }
    if (m instanceof GroupQuery q) {
      send(new GroupQueryResponse(id, q.from(), term, holdsGroupState(), clusterId, q.callId()));
      return;
    }
    if (m instanceof GroupQueryResponse r) {
      if (standing == Standing.UNDECIDED) {
        decide(discovery.record(r), r.from());
      }
      return;
    }
    if (standing == Standing.UNDECIDED && !stepUndecided(m)) {
      return;
    }
    if (m.term() > term) {
      if (m instanceof RequestVote rv) {
        if (inLeaderLease()) {
          // Thesis §4.2.3: a node that heard from a live leader within the minimum election
          // timeout ignores candidates, so a rejoining partitioned node cannot disrupt the cluster.
          logger.debug("node {} (term {}) rejects vote from {} at term {}: leader {} is active",
              id, term, rv.from(), rv.term(), leaderId);
          sendAfterPersist(new RequestVoteResponse(id, rv.from(), term, false, rv.preVote(), rv.callId()));
          return;
        }
        if (!rv.preVote()) {
          // Figure 2: adopt the newer term, but only granting the vote restarts the election
          // clock; otherwise a candidate that cannot win (a stale log) would keep every
          // up-to-date node from ever campaigning.
          int elapsed = electionElapsed;
          becomeFollower(m.term(), SoftState.NO_LEADER);
          electionElapsed = elapsed;
        }
      } else if (m instanceof RequestVoteResponse r && r.preVote() && r.voteGranted()) {
        // A granted pre-vote carries the term we would campaign in; adopted only if we win.
      } else if (m instanceof AppendEntries || m instanceof InstallSnapshot) {
        becomeFollower(m.term(), m.from());
      } else {
        becomeFollower(m.term(), SoftState.NO_LEADER);
      }
    } else if (m.term() < term) {
      answerStaleRequest(m);
      return;
    }
    if (m instanceof RequestVote rv) {
      handleVoteRequest(rv);
    } else {
      role.step(m);
    }
  }

  /**
   * Appends {@code commands} to the log if this node leads; never blocks. Each command must be
   * non-empty (an empty entry is a no-op).
   */
  public ProposeResult propose(List<ByteString> commands) {
    for (ByteString c : commands) {
      if (c.isEmpty()) {
        throw new IllegalArgumentException("a proposed command must not be empty");
      }
    }
    if (role instanceof Leader leader) {
      return leader.propose(commands);
    }
    return ProposeResult.notLeader(leaderId);
  }

  /**
   * Requests a linearizable read point. The answer arrives as a {@link ReadState} with this
   * {@code requestId} in a later {@link Ready}: an index to wait for, or a failure if this node is
   * not a confirmed leader.
   */
  public void readIndex(long requestId) {
    if (role instanceof Leader leader) {
      leader.readIndex(requestId);
    } else {
      readStates.add(ReadState.failed(requestId));
    }
  }

  /** The leader's view of how far each follower's log matches its own; empty unless leading. */
  public Map<Long, Long> followerMatches() {
    return role instanceof Leader leader ? leader.followerMatches() : Map.of();
  }

  /** The transport could not deliver a message to {@code peer} (or its answer was lost). */
  public void reportUnreachable(long peer) {
    if (role instanceof Leader leader) {
      leader.peerUnreachable(peer);
    }
  }

  /** Streaming a snapshot to {@code peer} failed; the leader will retry after a heartbeat. */
  public void reportSnapshotFailed(long peer) {
    if (role instanceof Leader leader) {
      leader.snapshotFailed(peer);
    }
  }

  /**
   * An undecided node takes no term from anyone (it would then look like a member on restart) and
   * refuses every vote; a leader's message proves the group exists. Returns whether {@code m}
   * should then be handled as usual.
   */
  private boolean stepUndecided(RaftMessage m) {
    if (m instanceof AppendEntries || m instanceof InstallSnapshot) {
      becomeRecovering("node " + m.from() + " leads term " + m.term());
      return true;
    }
    if (m instanceof RequestVote rv) {
      send(new RequestVoteResponse(id, rv.from(), term, false, rv.preVote(), rv.callId()));
    } else {
      logger.debug("node {} (undecided) ignoring {}", id, m);
    }
    return false;
  }

  private void decide(GroupDiscovery.Outcome outcome, long answeredBy) {
    switch (outcome) {
      case NEW_GROUP -> {
        long fence = discovery.fenceTerm();
        logger.info("node {} starts a new group: {} of its peers have empty logs too (it votes only after term {})",
            id, discovery.emptyPeers(), fence);
        if (fence > 0) {
          term = fence;
          votedFor = id; // abstains in the fence term: its vote there may already have been given
        } else {
          term = 1; // a hard state that is not empty: a restart finds a voter, not an undecided node
        }
        standing = Standing.VOTER;
        discovery = null;
        resetElectionTimer();
      }
      case EXISTING_GROUP -> becomeRecovering("node " + answeredBy + " holds its state");
      case PENDING -> { }
    }
  }

  private void becomeRecovering(String evidence) {
    logger.warn("node {} has no Raft state but its group exists ({}): it lost its data or never joined; "
        + "it will catch up from the leader and vote only once the leader restores it", id, evidence);
    standing = Standing.RECOVERING;
    discovery = null;
  }

  /** Whether this node proves the group exists (the answer to a GroupQuery; see GroupDiscovery). */
  private boolean holdsGroupState() {
    return standing == Standing.RECOVERING || log.lastIndex() > 0;
  }

  // ---- outputs -----------------------------------------------------------------------------

  public boolean hasReady() {
    if (role instanceof Leader leader && leader.hasPendingSends()) {
      return true;
    }
    return leaderId != lastSoftState.leaderId()
        || role.type() != lastSoftState.role()
        || term != lastHardState.term()
        || votedFor != lastHardState.votedFor()
        || log.committed() != lastHardState.commit()
        || isRecovering() != lastHardState.recovering()
        || clusterId != lastHardState.clusterId()
        || log.hasUnpersisted()
        || log.hasNextCommittedEntries()
        || !messages.isEmpty()
        || !messagesAfterPersist.isEmpty()
        || !readStates.isEmpty();
  }

  /** Collects the pending work; call {@link #advance(Ready)} once it is done. */
  public Ready ready() {
    if (role instanceof Leader leader) {
      leader.flush();
    }
    HardState hs = hardState();
    boolean promisesChanged = hs.term() != lastHardState.term() || hs.votedFor() != lastHardState.votedFor()
        || hs.recovering() != lastHardState.recovering() || hs.clusterId() != lastHardState.clusterId();
    List<Entry> entries = log.unpersistedEntries();
    SnapshotMeta snapshot = log.unpersistedSnapshot();
    Ready rd = new Ready(
        softState(),
        hs.equals(lastHardState) ? HardState.EMPTY : hs,
        snapshot,
        entries,
        log.nextCommittedEntries(config.maxCommittedBytesPerReady()),
        messages,
        messagesAfterPersist,
        readStates,
        promisesChanged || !entries.isEmpty() || !snapshot.isEmpty());
    log.acceptInProgress();
    messages = new ArrayList<>();
    messagesAfterPersist = new ArrayList<>();
    readStates = new ArrayList<>();
    lastSoftState = rd.softState();
    return rd;
  }

  /**
   * Acknowledges {@code rd}'s sends, applies and read states. Its writes are acknowledged apart,
   * by {@link #persisted}, which may come later: the next Ready can be taken before them.
   */
  public void advance(Ready rd) {
    if (!rd.hardState().isEmpty()) {
      lastHardState = rd.hardState();
    }
    if (!rd.committed().isEmpty()) {
      log.appliedTo(rd.committed().get(rd.committed().size() - 1).index());
    }
  }

  /**
   * {@code rd}'s snapshot, entries and hard state are durable. Persisted Readies must be reported in
   * the order they were taken.
   */
  public void persisted(Ready rd) {
    if (!rd.snapshot().isEmpty()) {
      log.snapshotInstalled(rd.snapshot());
    }
    if (!rd.entries().isEmpty()) {
      Entry last = rd.entries().get(rd.entries().size() - 1);
      log.stableTo(last.index(), last.term());
    }
    if (role instanceof Leader leader) {
      // The leader counts its own entries toward a quorum only once they are durable.
      leader.selfPersisted(log.lastStableIndex());
    }
  }

  public CoreStatus status() {
    return new CoreStatus(id, role.type(), term, votedFor, leaderId, log.committed(), log.applied(),
        log.firstIndex(), log.lastIndex(), standing, clusterId);
  }

  public long id() {
    return id;
  }

  // ---- shared by the roles -----------------------------------------------------------------

  CoreConfig config() {
    return config;
  }

  Logger logger() {
    return logger;
  }

  RaftLog log() {
    return log;
  }

  List<Long> peers() {
    return peers;
  }

  long term() {
    return term;
  }

  long leaderId() {
    return leaderId;
  }

  void setLeaderId(long leader) {
    leaderId = leader;
  }

  void send(RaftMessage m) {
    messages.add(m);
  }

  /** Queues a message that promises durable state; released only after the next persist. */
  void sendAfterPersist(RaftMessage m) {
    messagesAfterPersist.add(m);
  }

  void addReadState(ReadState rs) {
    readStates.add(rs);
  }

  /**
   * Election clock shared by followers and candidates; returns true when it fired and this node
   * may campaign (only a voter may).
   */
  boolean tickElection() {
    return tickElapsedReaches(randomizedElectionTimeout) && standing == Standing.VOTER;
  }

  /** Leader's quorum-check clock; returns true once per election timeout. */
  boolean tickQuorumCheck() {
    return tickElapsedReaches(config.electionTicks());
  }

  private boolean tickElapsedReaches(int ticks) {
    electionElapsed++;
    if (electionElapsed >= ticks) {
      electionElapsed = 0;
      return true;
    }
    return false;
  }

  void resetElectionElapsed() {
    electionElapsed = 0;
  }

  void becomeFollower(long newTerm, long leader) {
    boolean changed = newTerm != term || !(role instanceof Follower) || leader != leaderId;
    if (newTerm != term) {
      term = newTerm;
      votedFor = HardState.NO_VOTE;
    }
    leaveRole();
    role = new Follower(this);
    leaderId = leader;
    resetElectionTimer();
    if (changed) {
      logger.atInfo().addKeyValue("term", term).addKeyValue("leader", leader).addKeyValue("lastIndex", log.lastIndex())
          .log("node {} became follower", id);
    }
  }

  /** Starts an election: a PreVote round first when configured, else a real one. */
  void campaign(boolean preVote) {
    leaveRole();
    Candidate candidate;
    if (preVote) {
      candidate = new Candidate(this, true, term + 1);
      logger.atInfo().addKeyValue("term", term).addKeyValue("lastIndex", log.lastIndex())
          .log("node {} became pre-candidate (asks for votes without raising its term)", id);
    } else {
      term++;
      votedFor = id;
      if (clusterId == HardState.NO_CLUSTER) {
        clusterId = ClusterIds.mint(config.random());
        logger.info("node {} names its group's incarnation cluster {}", id, ClusterIds.format(clusterId));
      }
      candidate = new Candidate(this, false, term);
      logger.atInfo().addKeyValue("term", term).addKeyValue("lastIndex", log.lastIndex())
          .log("node {} became candidate (starts an election)", id);
    }
    role = candidate;
    leaderId = SoftState.NO_LEADER;
    resetElectionTimer();
    if (candidate.recordVote(id, true)) {
      return; // a single-node cluster wins at once
    }
    candidate.requestVotesFromSilentPeers();
  }

  void becomeLeader() {
    leaveRole();
    Leader leader = new Leader(this);
    role = leader;
    leaderId = id;
    electionElapsed = 0;
    logger.atInfo().addKeyValue("term", term).addKeyValue("lastIndex", log.lastIndex())
        .addKeyValue("commitIndex", log.committed()).log("node {} became leader", id);
    leader.start();
  }

  private void leaveRole() {
    if (role instanceof Leader leader) {
      leader.stepDown();
    }
  }

  private void resetElectionTimer() {
    electionElapsed = 0;
    int base = config.electionTicks();
    randomizedElectionTimeout = base + config.random().nextInt(base);
  }

  private boolean inLeaderLease() {
    return config.checkQuorum() && leaderId != SoftState.NO_LEADER
        && electionElapsed < config.electionTicks();
  }

  private void handleVoteRequest(RequestVote m) {
    boolean canVote = standing == Standing.VOTER && (votedFor == m.from()
        || (votedFor == HardState.NO_VOTE && leaderId == SoftState.NO_LEADER)
        || (m.preVote() && m.term() > term));
    if (canVote && log.isUpToDate(m.lastLogIndex(), m.lastLogTerm())) {
      if (!m.preVote()) {
        electionElapsed = 0;
        votedFor = m.from();
      }
      // A granted pre-vote answers in the candidate's future term so it counts the grant.
      sendAfterPersist(new RequestVoteResponse(id, m.from(), m.preVote() ? m.term() : term, true, m.preVote(), m.callId()));
    } else {
      sendAfterPersist(new RequestVoteResponse(id, m.from(), term, false, m.preVote(), m.callId()));
    }
  }

  /** Requests from an older term are answered with ours, so their sender steps down. */
  private void answerStaleRequest(RaftMessage m) {
    if (m instanceof RequestVote rv) {
      sendAfterPersist(new RequestVoteResponse(id, rv.from(), term, false, rv.preVote(), rv.callId()));
    } else if (m instanceof AppendEntries ae) {
      // No read round: the sender may lead again in our term by the time this arrives, and an
      // echo of its old term's round must not confirm a read of its new one.
      sendAfterPersist(new AppendEntriesResponse(id, ae.from(), term, false, ae.prevLogIndex(), 0, 0,
          0, isRecovering(), ae.callId()));
    } else if (m instanceof InstallSnapshot is) {
      sendAfterPersist(new InstallSnapshotResponse(id, is.from(), term, 0, is.callId()));
    } else {
      logger.debug("node {} (term {}) ignoring stale {}", id, term, m);
    }
  }

  /**
   * The leader of this term found that we hold everything we could once have helped commit, and
   * that no term we could have voted in is still to come (see {@link Restorations}). Counting our
   * vote in this term as given to it keeps us from voting again in a term our earlier self may have
   * voted in; the leader has won this term anyway.
   */
  void restoreVoter(long leader) {
    standing = Standing.VOTER;
    if (votedFor == HardState.NO_VOTE) {
      votedFor = leader;
    }
    logger.atInfo().addKeyValue("term", term).addKeyValue("leader", leader).addKeyValue("lastIndex", log.lastIndex())
        .log("node {} is a voter again, restored by the leader", id);
  }

  /**
   * The incarnation of the group this node belongs to: {@link HardState#NO_CLUSTER} until the node
   * first campaigns or matches a leader's log. A node that campaigns without one mints one, which
   * is persisted with its new term before it asks for votes, so a leader's id survives its
   * restarts; a follower takes the leader's whenever its whole log matches the leader's. The id
   * thus travels with the log: once an entry appended under an id is committed, every later leader
   * holds that entry, got it by matching the log of a leader that held it, and so carries that id;
   * nodes that followed a leader whose entries were never committed switch, as their logs do. A
   * data directory left from another incarnation of the group therefore names another id, which a
   * starting replica compares with its peers'.
   */
  long clusterId() {
    return clusterId;
  }

  /** The whole log now matches the leader's: its incarnation is ours. */
  void matchedLeaderLog(long leaderClusterId) {
    if (leaderClusterId != HardState.NO_CLUSTER && leaderClusterId != clusterId) {
      logger.info("node {} belongs to cluster {} (its leader's{})", id, ClusterIds.format(leaderClusterId),
          clusterId == HardState.NO_CLUSTER ? "" : "; it was " + ClusterIds.format(clusterId));
      clusterId = leaderClusterId;
    }
  }

  boolean isRecovering() {
    return standing == Standing.RECOVERING;
  }

  private HardState hardState() {
    return new HardState(term, votedFor, log.committed(), isRecovering(), clusterId);
  }

  private SoftState softState() {
    return new SoftState(leaderId, role.type());
  }
}
