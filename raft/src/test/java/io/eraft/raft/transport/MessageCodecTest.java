package io.eraft.raft.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.eraft.proto.raftpb.AppendEntriesRequest;
import io.eraft.proto.raftpb.InstallSnapshotRequest;
import io.eraft.proto.raftpb.RequestVoteRequest;
import io.eraft.raft.core.AppendEntries;
import io.eraft.raft.core.AppendEntriesResponse;
import io.eraft.raft.core.Entry;
import io.eraft.raft.core.GroupQuery;
import io.eraft.raft.core.GroupQueryResponse;
import io.eraft.raft.core.RequestVote;
import io.eraft.raft.core.RequestVoteResponse;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MessageCodecTest {
  private static final long LEADER = 1;
  private static final long FOLLOWER = 2;

  @ParameterizedTest
  @MethodSource("votes")
  void requestVoteRoundTrip(RequestVote sent) throws InvalidProtocolBufferException {
    RequestVoteRequest wire = RequestVoteRequest.parseFrom(MessageCodec.encode(sent).toByteArray());
    assertEquals(sent.withCallId(0), MessageCodec.decodeRequestVote(wire, FOLLOWER));
  }

  static Stream<RequestVote> votes() {
    return Stream.of(
        new RequestVote(LEADER, FOLLOWER, 1, 0, 0, false, 7),
        new RequestVote(LEADER, FOLLOWER, 5, 12, 4, false, 0),
        new RequestVote(0, FOLLOWER, 6, 12, 4, true, 3));
  }

  @ParameterizedTest
  @MethodSource("voteAnswers")
  void requestVoteResponseRoundTrip(RequestVoteResponse sent) throws InvalidProtocolBufferException {
    var wire = io.eraft.proto.raftpb.RequestVoteResponse.parseFrom(MessageCodec.encode(sent).toByteArray());
    assertEquals(sent.withCallId(0), MessageCodec.decodeRequestVoteResponse(wire, FOLLOWER, LEADER));
  }

  static Stream<RequestVoteResponse> voteAnswers() {
    return Stream.of(
        new RequestVoteResponse(FOLLOWER, LEADER, 0, false, false, 9),
        new RequestVoteResponse(FOLLOWER, LEADER, 5, true, false, 0),
        new RequestVoteResponse(FOLLOWER, LEADER, 6, true, true, 0));
  }

  @ParameterizedTest
  @MethodSource("appends")
  void appendEntriesRoundTrip(AppendEntries sent) throws InvalidProtocolBufferException {
    AppendEntriesRequest wire = AppendEntriesRequest.parseFrom(MessageCodec.encode(sent).toByteArray());
    assertEquals(sent.withCallId(0), MessageCodec.decodeAppendEntries(wire, FOLLOWER));
  }

  static Stream<AppendEntries> appends() {
    return Stream.of(
        new AppendEntries(LEADER, FOLLOWER, 1, 0, 0, List.of(), 0, 0, 0, 0, 4),
        new AppendEntries(LEADER, FOLLOWER, 3, 10, 2, List.of(), 9, 17, 12, 0xc1057e4L, 0),
        new AppendEntries(LEADER, FOLLOWER, 3, 0, 0,
            List.of(Entry.noop(1, 1), entry(2, 1, "a"), entry(3, 3, "bc")), 1, 0, 0, 0, 0));
  }

  @ParameterizedTest
  @MethodSource("appendAnswers")
  void appendEntriesResponseRoundTrip(AppendEntriesResponse sent) throws InvalidProtocolBufferException {
    var wire = io.eraft.proto.raftpb.AppendEntriesResponse.parseFrom(MessageCodec.encode(sent).toByteArray());
    assertEquals(sent.withCallId(0), MessageCodec.decodeAppendEntriesResponse(wire, FOLLOWER, LEADER));
  }

  static Stream<AppendEntriesResponse> appendAnswers() {
    return Stream.of(
        new AppendEntriesResponse(FOLLOWER, LEADER, 3, true, 42, 0, 0, 5, false, 8),
        new AppendEntriesResponse(FOLLOWER, LEADER, 4, false, 40, 31, 2, 0, false, 0),
        new AppendEntriesResponse(FOLLOWER, LEADER, 4, false, 40, 0, 0, 3, true, 0));
  }

  @Test
  void groupQueryRoundTrip() throws InvalidProtocolBufferException {
    for (GroupQuery sent : List.of(new GroupQuery(LEADER, FOLLOWER, 0, 5), new GroupQuery(LEADER, FOLLOWER, 7, 0))) {
      var wire = io.eraft.proto.raftpb.GroupQueryRequest.parseFrom(MessageCodec.encode(sent).toByteArray());
      assertEquals(sent.withCallId(0), MessageCodec.decodeGroupQuery(wire, FOLLOWER));
    }
    for (GroupQueryResponse sent : List.of(new GroupQueryResponse(FOLLOWER, LEADER, 0, false, 0, 0),
        new GroupQueryResponse(FOLLOWER, LEADER, 9, true, 0xc1057e4L, 0))) {
      var wire = io.eraft.proto.raftpb.GroupQueryResponse.parseFrom(MessageCodec.encode(sent).toByteArray());
      assertEquals(sent, MessageCodec.decodeGroupQueryResponse(wire, FOLLOWER, LEADER));
    }
  }

  @Test
  void groupQueryWithNegativeNodeIdIsRejected() {
    var wire = io.eraft.proto.raftpb.GroupQueryRequest.newBuilder().setNodeId(-1).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MessageCodec.decodeGroupQuery(wire, FOLLOWER));
    assertTrue(e.getMessage().contains("node_id"), e.getMessage());
  }

  @Test
  void snapshotChunkRoundTrip() throws InvalidProtocolBufferException {
    for (SnapshotChunk sent : List.of(
        new SnapshotChunk(LEADER, FOLLOWER, 4, 100, 3, 0, ByteString.copyFromUtf8("state"), false),
        new SnapshotChunk(LEADER, FOLLOWER, 4, 100, 3, 1 << 20, ByteString.EMPTY, true))) {
      InstallSnapshotRequest wire = InstallSnapshotRequest.parseFrom(MessageCodec.encode(sent).toByteArray());
      assertEquals(sent, MessageCodec.decodeSnapshotChunk(wire, FOLLOWER));
    }
  }

  @Test
  void snapshotChunkReplyRoundTrip() throws InvalidProtocolBufferException {
    for (SnapshotChunkReply sent : List.of(new SnapshotChunkReply(4, 1024, 0), new SnapshotChunkReply(5, 0, 100))) {
      var wire = io.eraft.proto.raftpb.InstallSnapshotResponse.parseFrom(MessageCodec.encode(sent).toByteArray());
      assertEquals(sent, MessageCodec.decodeSnapshotChunkReply(wire));
    }
  }

  /** A wire message that breaks an invariant, and a word the rejection must name. */
  record Case(String name, Runnable decode, String mentions) {
    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void decodeRejectsMalformedMessages(Case c) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c.decode()::run);
    assertTrue(e.getMessage().contains(c.mentions()), () -> c.name() + ": " + e.getMessage());
  }

  static Stream<Case> malformed() {
    RequestVoteRequest vote = RequestVoteRequest.newBuilder()
        .setTerm(5).setCandidateId(LEADER).setLastLogIndex(3).setLastLogTerm(2).build();
    AppendEntriesRequest append = AppendEntriesRequest.newBuilder()
        .setTerm(5).setLeaderId(LEADER).setPrevLogIndex(3).setPrevLogTerm(2).setLeaderCommit(3).build();
    InstallSnapshotRequest chunk = InstallSnapshotRequest.newBuilder()
        .setTerm(5).setLeaderId(LEADER).setLastIncludedIndex(10).setLastIncludedTerm(4).build();
    return Stream.of(
        new Case("vote with negative term", () -> decodeVote(vote.toBuilder().setTerm(-1)), "term"),
        new Case("vote with term 0", () -> decodeVote(vote.toBuilder().setTerm(0)), "term"),
        new Case("vote from negative id", () -> decodeVote(vote.toBuilder().setCandidateId(-2)), "candidate_id"),
        new Case("vote with negative last index", () -> decodeVote(vote.toBuilder().setLastLogIndex(-1)),
            "last_log_index"),
        new Case("vote with last index 0 but term 2", () -> decodeVote(vote.toBuilder().setLastLogIndex(0)),
            "last_log_index"),
        new Case("vote with last term above term", () -> decodeVote(vote.toBuilder().setLastLogTerm(6)),
            "last_log_term"),
        new Case("append with negative prev index", () -> decodeAppend(append.toBuilder().setPrevLogIndex(-4)),
            "prev_log_index"),
        new Case("append with prev term 0 at index 3", () -> decodeAppend(append.toBuilder().setPrevLogTerm(0)),
            "prev_log_index"),
        new Case("append with negative commit", () -> decodeAppend(append.toBuilder().setLeaderCommit(-1)),
            "leader_commit"),
        new Case("append with negative read round", () -> decodeAppend(append.toBuilder().setReadRound(-1)),
            "read_round"),
        new Case("append with a gap", () -> decodeAppend(append.toBuilder().addEntries(wireEntry(4, 2))
            .addEntries(wireEntry(6, 2))), "entry index 6"),
        new Case("append not following prev", () -> decodeAppend(append.toBuilder().addEntries(wireEntry(3, 2))),
            "entry index 3"),
        new Case("append with entry term 0", () -> decodeAppend(append.toBuilder().setPrevLogIndex(0)
            .setPrevLogTerm(0).addEntries(wireEntry(1, 0))), "term 0"),
        new Case("append with term going back", () -> decodeAppend(append.toBuilder().addEntries(wireEntry(4, 3))
            .addEntries(wireEntry(5, 2))), "term 2"),
        new Case("append with entry below prev term", () -> decodeAppend(append.toBuilder()
            .addEntries(wireEntry(4, 1))), "term 1"),
        new Case("append with entry above leader term", () -> decodeAppend(append.toBuilder()
            .addEntries(wireEntry(4, 6))), "term 6"),
        new Case("vote answer with negative term", () -> MessageCodec.decodeRequestVoteResponse(
            io.eraft.proto.raftpb.RequestVoteResponse.newBuilder().setTerm(-1).build(), FOLLOWER, LEADER), "term"),
        new Case("append answer with negative index", () -> MessageCodec.decodeAppendEntriesResponse(
            io.eraft.proto.raftpb.AppendEntriesResponse.newBuilder().setTerm(1).setIndex(-1).build(), FOLLOWER,
            LEADER), "index"),
        new Case("append answer with negative conflict term", () -> MessageCodec.decodeAppendEntriesResponse(
            io.eraft.proto.raftpb.AppendEntriesResponse.newBuilder().setTerm(1).setConflictTerm(-1).build(),
            FOLLOWER, LEADER), "conflict_term"),
        new Case("chunk with negative offset", () -> decodeChunk(chunk.toBuilder().setOffset(-1)), "offset"),
        new Case("chunk with term 0", () -> decodeChunk(chunk.toBuilder().setTerm(0)), "term"),
        new Case("chunk with included term 0", () -> decodeChunk(chunk.toBuilder().setLastIncludedTerm(0)),
            "last_included_index"),
        new Case("chunk answer with negative next offset", () -> MessageCodec.decodeSnapshotChunkReply(
            io.eraft.proto.raftpb.InstallSnapshotResponse.newBuilder().setTerm(1).setNextOffset(-1).build()),
            "next_offset"));
  }

  private static void decodeVote(RequestVoteRequest.Builder b) {
    MessageCodec.decodeRequestVote(b.build(), FOLLOWER);
  }

  private static void decodeAppend(AppendEntriesRequest.Builder b) {
    MessageCodec.decodeAppendEntries(b.build(), FOLLOWER);
  }

  private static void decodeChunk(InstallSnapshotRequest.Builder b) {
    MessageCodec.decodeSnapshotChunk(b.build(), FOLLOWER);
  }

  private static io.eraft.proto.raftpb.Entry wireEntry(long index, long term) {
    return io.eraft.proto.raftpb.Entry.newBuilder().setIndex(index).setTerm(term).build();
  }

  private static Entry entry(long index, long term, String data) {
    return new Entry(index, term, ByteString.copyFromUtf8(data));
  }
}
