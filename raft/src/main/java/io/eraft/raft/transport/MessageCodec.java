package io.eraft.raft.transport;

import io.eraft.proto.raftpb.AppendEntriesRequest;
import io.eraft.proto.raftpb.GroupQueryRequest;
import io.eraft.proto.raftpb.InstallSnapshotRequest;
import io.eraft.proto.raftpb.RequestVoteRequest;
import io.eraft.raft.core.AppendEntries;
import io.eraft.raft.core.AppendEntriesResponse;
import io.eraft.raft.core.Entry;
import io.eraft.raft.core.GroupQuery;
import io.eraft.raft.core.GroupQueryResponse;
import io.eraft.raft.core.RequestVote;
import io.eraft.raft.core.RequestVoteResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts between the core's message records and the {@code raftpb} wire messages, validating
 * everything that arrives (the gateway check of STYLE.md S5: once decoded, a message is trusted).
 *
 * <p>Requests carry their sender on the wire ({@code candidate_id}, {@code leader_id}); responses
 * do not, so decoding a response takes the peer the call went to as {@code from} and this node as
 * {@code to}. Decoding a request takes this node as {@code to}. The core's {@code callId} never goes
 * on the wire and decodes as 0.
 *
 * <p>Every {@code decode} method throws {@link IllegalArgumentException} naming the offending field
 * when the wire message breaks an invariant (negative ids, terms or indexes; a term of 0 where a
 * leader or candidate term is required; an index and term that disagree about being 0; entries that
 * are not contiguous after {@code prev_log_index}, have a term of 0, go back in term or exceed the
 * sender's term). Stateless and thread-safe.
 */
public final class MessageCodec {
  private MessageCodec() {}

  public static RequestVoteRequest encode(RequestVote m) {
    return RequestVoteRequest.newBuilder()
        .setTerm(m.term())
        .setCandidateId(m.from())
        .setLastLogIndex(m.lastLogIndex())
        .setLastLogTerm(m.lastLogTerm())
        .setPreVote(m.preVote())
        .build();
  }

  /** Decodes a vote request received by node {@code to}. */
  public static RequestVote decodeRequestVote(RequestVoteRequest p, long to) {
    checkSenderTerm(p.getCandidateId(), "candidate_id", p.getTerm());
    checkLogPosition("last_log", p.getLastLogIndex(), p.getLastLogTerm(), p.getTerm());
    return new RequestVote(
        p.getCandidateId(), to, p.getTerm(), p.getLastLogIndex(), p.getLastLogTerm(), p.getPreVote(), 0);
  }

  public static io.eraft.proto.raftpb.RequestVoteResponse encode(RequestVoteResponse m) {
    return io.eraft.proto.raftpb.RequestVoteResponse.newBuilder()
        .setTerm(m.term())
        .setVoteGranted(m.voteGranted())
        .setPreVote(m.preVote())
        .build();
  }

  /** Decodes the answer of peer {@code from} to a vote request sent by node {@code to}. */
  public static RequestVoteResponse decodeRequestVoteResponse(
      io.eraft.proto.raftpb.RequestVoteResponse p, long from, long to) {
    checkNotNegative("term", p.getTerm());
    return new RequestVoteResponse(from, to, p.getTerm(), p.getVoteGranted(), p.getPreVote(), 0);
  }

  public static AppendEntriesRequest encode(AppendEntries m) {
    AppendEntriesRequest.Builder b = AppendEntriesRequest.newBuilder()
        .setTerm(m.term())
        .setLeaderId(m.from())
        .setPrevLogIndex(m.prevLogIndex())
        .setPrevLogTerm(m.prevLogTerm())
        .setLeaderCommit(m.leaderCommit())
        .setReadRound(m.readRound())
        .setRestoreIndex(m.restoreIndex())
        .setClusterId(m.clusterId());
    for (Entry e : m.entries()) {
      b.addEntries(io.eraft.proto.raftpb.Entry.newBuilder()
          .setIndex(e.index())
          .setTerm(e.term())
          .setCommand(e.data()));
    }
    return b.build();
  }

  /** Decodes an append request received by node {@code to}. */
  public static AppendEntries decodeAppendEntries(AppendEntriesRequest p, long to) {
    checkSenderTerm(p.getLeaderId(), "leader_id", p.getTerm());
    checkLogPosition("prev_log", p.getPrevLogIndex(), p.getPrevLogTerm(), p.getTerm());
    checkNotNegative("leader_commit", p.getLeaderCommit());
    checkNotNegative("read_round", p.getReadRound());
    checkNotNegative("restore_index", p.getRestoreIndex());
    List<Entry> entries = new ArrayList<>(p.getEntriesCount());
    long previousTerm = p.getPrevLogTerm();
    for (io.eraft.proto.raftpb.Entry e : p.getEntriesList()) {
      long expectedIndex = p.getPrevLogIndex() + 1 + entries.size();
      if (e.getIndex() != expectedIndex) {
        throw new IllegalArgumentException("entry index " + e.getIndex() + " where " + expectedIndex
            + " was expected (entries must follow prev_log_index " + p.getPrevLogIndex() + " contiguously)");
      }
      // Log Matching (figure 2): terms never decrease along a log and never exceed the leader's term.
      if (e.getTerm() < Math.max(previousTerm, 1) || e.getTerm() > p.getTerm()) {
        throw new IllegalArgumentException("entry " + e.getIndex() + " has term " + e.getTerm()
            + ", outside [" + Math.max(previousTerm, 1) + ", " + p.getTerm() + "]");
      }
      previousTerm = e.getTerm();
      entries.add(new Entry(e.getIndex(), e.getTerm(), e.getCommand()));
    }
    return new AppendEntries(p.getLeaderId(), to, p.getTerm(), p.getPrevLogIndex(), p.getPrevLogTerm(),
        entries, p.getLeaderCommit(), p.getReadRound(), p.getRestoreIndex(), p.getClusterId(), 0);
  }

  public static io.eraft.proto.raftpb.AppendEntriesResponse encode(AppendEntriesResponse m) {
    return io.eraft.proto.raftpb.AppendEntriesResponse.newBuilder()
        .setTerm(m.term())
        .setSuccess(m.success())
        .setConflictIndex(m.conflictIndex())
        .setConflictTerm(m.conflictTerm())
        .setIndex(m.index())
        .setReadRound(m.readRound())
        .setRecovering(m.recovering())
        .build();
  }

  /** Decodes the answer of peer {@code from} to an append request sent by node {@code to}. */
  public static AppendEntriesResponse decodeAppendEntriesResponse(
      io.eraft.proto.raftpb.AppendEntriesResponse p, long from, long to) {
    checkNotNegative("term", p.getTerm());
    checkNotNegative("index", p.getIndex());
    checkNotNegative("conflict_index", p.getConflictIndex());
    checkNotNegative("conflict_term", p.getConflictTerm());
    checkNotNegative("read_round", p.getReadRound());
    return new AppendEntriesResponse(from, to, p.getTerm(), p.getSuccess(), p.getIndex(), p.getConflictIndex(),
        p.getConflictTerm(), p.getReadRound(), p.getRecovering(), 0);
  }

  public static GroupQueryRequest encode(GroupQuery m) {
    return GroupQueryRequest.newBuilder().setTerm(m.term()).setNodeId(m.from()).build();
  }

  /** Decodes a group query received by node {@code to}; its sender may have no term yet (0). */
  public static GroupQuery decodeGroupQuery(GroupQueryRequest p, long to) {
    checkNotNegative("node_id", p.getNodeId());
    checkNotNegative("term", p.getTerm());
    return new GroupQuery(p.getNodeId(), to, p.getTerm(), 0);
  }

  public static io.eraft.proto.raftpb.GroupQueryResponse encode(GroupQueryResponse m) {
    return io.eraft.proto.raftpb.GroupQueryResponse.newBuilder()
        .setTerm(m.term())
        .setGroupExists(m.groupExists())
        .setClusterId(m.clusterId())
        .build();
  }

  /** Decodes the answer of peer {@code from} to a group query sent by node {@code to}. */
  public static GroupQueryResponse decodeGroupQueryResponse(
      io.eraft.proto.raftpb.GroupQueryResponse p, long from, long to) {
    checkNotNegative("term", p.getTerm());
    return new GroupQueryResponse(from, to, p.getTerm(), p.getGroupExists(), p.getClusterId(), 0);
  }

  public static InstallSnapshotRequest encode(SnapshotChunk c) {
    return InstallSnapshotRequest.newBuilder()
        .setTerm(c.term())
        .setLeaderId(c.from())
        .setLastIncludedIndex(c.lastIncludedIndex())
        .setLastIncludedTerm(c.lastIncludedTerm())
        .setOffset(c.offset())
        .setData(c.data())
        .setDone(c.done())
        .build();
  }

  /** Decodes a snapshot chunk received by node {@code to}. */
  public static SnapshotChunk decodeSnapshotChunk(InstallSnapshotRequest p, long to) {
    checkSenderTerm(p.getLeaderId(), "leader_id", p.getTerm());
    checkLogPosition("last_included", p.getLastIncludedIndex(), p.getLastIncludedTerm(), p.getTerm());
    checkNotNegative("offset", p.getOffset());
    return new SnapshotChunk(p.getLeaderId(), to, p.getTerm(), p.getLastIncludedIndex(), p.getLastIncludedTerm(),
        p.getOffset(), p.getData(), p.getDone());
  }

  public static io.eraft.proto.raftpb.InstallSnapshotResponse encode(SnapshotChunkReply r) {
    return io.eraft.proto.raftpb.InstallSnapshotResponse.newBuilder()
        .setTerm(r.term())
        .setNextOffset(r.nextOffset())
        .setMatchIndex(r.matchIndex())
        .build();
  }

  public static SnapshotChunkReply decodeSnapshotChunkReply(io.eraft.proto.raftpb.InstallSnapshotResponse p) {
    checkNotNegative("term", p.getTerm());
    checkNotNegative("next_offset", p.getNextOffset());
    checkNotNegative("match_index", p.getMatchIndex());
    return new SnapshotChunkReply(p.getTerm(), p.getNextOffset(), p.getMatchIndex());
  }

  /** A request's sender is a candidate or leader, so its term is at least 1 (figure 2). */
  private static void checkSenderTerm(long sender, String senderField, long term) {
    checkNotNegative(senderField, sender);
    if (term < 1) {
      throw new IllegalArgumentException("term must be positive in a request, got " + term);
    }
  }

  /**
   * A log position ({@code <prefix>_index}/{@code <prefix>_term}): index 0 has term 0, any other
   * index a positive term, and no entry's term exceeds the sender's current term.
   */
  private static void checkLogPosition(String prefix, long index, long term, long senderTerm) {
    checkNotNegative(prefix + "_index", index);
    checkNotNegative(prefix + "_term", term);
    if ((index == 0) != (term == 0)) {
      throw new IllegalArgumentException(prefix + "_index " + index + " and " + prefix + "_term " + term
          + " disagree (only index 0 has term 0)");
    }
    if (term > senderTerm) {
      throw new IllegalArgumentException(prefix + "_term " + term + " exceeds the sender's term " + senderTerm);
    }
  }

  private static void checkNotNegative(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must not be negative, got " + value);
    }
  }
}
