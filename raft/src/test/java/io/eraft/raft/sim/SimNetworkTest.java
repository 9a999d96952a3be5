package io.eraft.raft.sim;

import static io.eraft.raft.transport.RecordingHandler.WAIT_SECONDS;
import static io.eraft.raft.transport.RecordingHandler.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.eraft.raft.core.AppendEntries;
import io.eraft.raft.core.AppendEntriesResponse;
import io.eraft.raft.core.Entry;
import io.eraft.raft.core.InstallSnapshotResponse;
import io.eraft.raft.core.RaftMessage;
import io.eraft.raft.core.RequestVote;
import io.eraft.raft.core.RequestVoteResponse;
import io.eraft.raft.core.SnapshotMeta;
import io.eraft.raft.transport.BytesSnapshotSource;
import io.eraft.raft.transport.MessageCodec;
import io.eraft.raft.transport.RecordingHandler;
import io.eraft.raft.transport.SnapshotChunk;
import io.eraft.raft.transport.SnapshotChunkReply;
import io.eraft.raft.transport.SnapshotSendException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The faults of {@link SimNetwork} on real threads: loss, cut links, partitions, killed nodes,
 * duplicates, reordering, counters. What every transport does is in {@code SimTransportContractTest}.
 * Waits are bounded: events are awaited with {@link RecordingHandler#next} and quiescence with
 * {@link SimNetwork#awaitIdle}.
 */
class SimNetworkTest {
  private static final Duration IDLE = Duration.ofSeconds(10);
  private static final SnapshotMeta META = new SnapshotMeta(100, 3);

  @RegisterExtension final SimSeeds seeds = new SimSeeds();

  private SimNetwork net;
  private final Map<Long, SimTransport> transports = new HashMap<>();
  private final Map<Long, RecordingHandler> handlers = new HashMap<>();

  @AfterEach
  void closeNetwork() {
    transports.values().forEach(SimTransport::close);
    if (net != null) {
      net.close();
    }
  }

  /** Nodes 1..n on a reliable network whose failures take at most 100 ms. */
  private SimNetwork network(int n) {
    net = new SimNetwork(seeds.next());
    net.setLongDelays(false);
    for (long id = 1; id <= n; id++) {
      start(id);
    }
    return net;
  }

  private void start(long id) {
    SimTransport t = net.transport(id);
    RecordingHandler h = new RecordingHandler();
    t.start(h);
    transports.put(id, t);
    handlers.put(id, h);
  }

  private SimTransport t(long id) {
    return transports.get(id);
  }

  private RecordingHandler h(long id) {
    return handlers.get(id);
  }

  @Test
  void unreliableNetworkLosesSomeButNotAllOf300Calls() throws Exception {
    network(2).setReliable(false);

    for (int i = 0; i < 300; i++) {
      t(1).send(heartbeat(1, 2));
    }
    assertTrue(net.awaitIdle(IDLE));

    int answered = h(1).responses.size();
    int lost = h(1).unreachable.size();
    assertEquals(300, answered + lost, "each call settles exactly once");
    assertTrue(answered > 0 && lost > 0, answered + " of 300 answered");
    assertEquals(300, net.rpcTotal());
    long delivered = net.rpcCount(2);
    assertTrue(delivered >= answered && delivered < 300, delivered + " delivered, " + answered + " answered");
    t(1).close();
    assertEquals(lost, h(1).unreachable.size());
  }

  @Test
  void disconnectTakesDownEveryLinkOfANodeBothWaysUntilConnect() throws Exception {
    network(3).disconnect(2);

    t(1).send(heartbeat(1, 2));
    t(2).send(heartbeat(2, 1));
    t(1).send(heartbeat(1, 3));
    assertEquals(2L, next(h(1).unreachable));
    assertEquals(1L, next(h(2).unreachable));
    assertEquals(3, next(h(1).responses).from());
    assertEquals(0, net.rpcCount(2));

    net.connect(2);
    t(1).send(heartbeat(1, 2));
    t(2).send(heartbeat(2, 1));
    assertEquals(2, next(h(1).responses).from());
    assertEquals(1, next(h(2).responses).from());
    assertEquals(1, net.rpcCount(2));
  }

  @Test
  void partitionAndCutHoldUntilHeal() throws Exception {
    network(3).partition(Set.of(1L));

    t(1).send(heartbeat(1, 2));
    t(3).send(heartbeat(3, 1));
    t(2).send(heartbeat(2, 3));
    assertEquals(2L, next(h(1).unreachable));
    assertEquals(1L, next(h(3).unreachable));
    assertEquals(3, next(h(2).responses).from());

    net.heal();
    net.cut(1, 2);
    t(1).send(heartbeat(1, 2));
    t(2).send(heartbeat(2, 1));
    t(1).send(heartbeat(1, 3));
    assertEquals(2L, next(h(1).unreachable));
    assertEquals(1L, next(h(2).unreachable));
    assertEquals(3, next(h(1).responses).from());

    net.heal();
    t(2).send(heartbeat(2, 1));
    assertEquals(1, next(h(2).responses).from());
  }

  @Test
  void callBeingAnsweredFailsWhenItsLinkGoesDown() throws Exception {
    network(2).setRpcTimeout(Duration.ofSeconds(60));
    CompletableFuture<RaftMessage> held = new CompletableFuture<>();
    h(2).answer = request -> held;
    t(1).send(heartbeat(1, 2));
    RaftMessage request = next(h(2).requests);

    net.disconnect(2);

    assertEquals(2L, next(h(1).unreachable)); // long before the 60 s timeout
    held.complete(RecordingHandler.accept(request));
    assertTrue(net.awaitIdle(IDLE));
    assertTrue(h(1).responses.isEmpty());
  }

  @Test
  void killedNodeNeverAnswersEvenIfItsHandlerAnswersLater() throws Exception {
    network(2).setRpcTimeout(Duration.ofSeconds(60));
    CompletableFuture<RaftMessage> held = new CompletableFuture<>();
    h(2).answer = request -> held;
    h(1).answer = request -> new CompletableFuture<>();
    t(1).send(heartbeat(1, 2));
    t(2).send(heartbeat(2, 1));
    RaftMessage request = next(h(2).requests);
    next(h(1).requests);

    net.kill(2);

    assertEquals(1L, h(2).unreachable.poll()); // its own request, settled as it died
    assertEquals(2L, next(h(1).unreachable));
    held.complete(RecordingHandler.accept(request));
    assertTrue(net.awaitIdle(IDLE));
    assertTrue(h(1).responses.isEmpty());
    assertTrue(h(1).unreachable.isEmpty());

    // Nothing reaches the dead endpoint, and what it sends fails.
    h(1).answer = r -> CompletableFuture.completedFuture(RecordingHandler.accept(r));
    h(2).answer = h(1).answer;
    t(1).send(heartbeat(1, 2));
    t(2).send(heartbeat(2, 1));
    assertEquals(2L, next(h(1).unreachable));
    assertEquals(1L, next(h(2).unreachable));
    assertTrue(h(1).requests.isEmpty());
    assertTrue(h(2).requests.isEmpty());

    // The restarted node gets a new endpoint; the old one stays dead.
    SimTransport old = t(2);
    RecordingHandler oldHandler = h(2);
    start(2);
    t(1).send(heartbeat(1, 2));
    t(2).send(heartbeat(2, 1));
    old.send(heartbeat(2, 1));
    assertEquals(2, next(h(1).responses).from());
    assertEquals(1, next(h(2).responses).from());
    assertEquals(1L, next(oldHandler.unreachable));
    assertTrue(oldHandler.requests.isEmpty());
    old.close();
  }

  @Test
  void duplicatesReachTheReceiverTwiceButAreAnsweredOnce() throws Exception {
    network(2).setDuplicateRate(1.0);

    for (int i = 0; i < 10; i++) {
      t(1).send(heartbeat(1, 2));
    }
    assertTrue(net.awaitIdle(IDLE));

    assertEquals(20, h(2).requests.size());
    assertEquals(10, h(1).responses.size());
    assertTrue(h(1).unreachable.isEmpty());
    assertEquals(20, net.rpcCount(2));
    assertEquals(10, net.rpcTotal());
  }

  @Test
  void longReorderingDeliversLateAnswersAfterNewerOnes() throws Exception {
    network(2).setLongReordering(true);

    for (int i = 1; i <= 30; i++) {
      t(1).send(new AppendEntries(1, 2, 1, i, 1, List.of(), 0, 0, 0, 0, 0));
    }
    List<Long> order = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      order.add(((AppendEntriesResponse) next(h(1).responses)).index());
    }

    assertNotEquals(order.stream().sorted().toList(), order, "30 answers arrived in order");
    assertTrue(h(1).unreachable.isEmpty());
  }

  @Test
  void requestsBeyondTheOutstandingLimitAreReportedAtOnce() throws Exception {
    network(2).setRpcTimeout(Duration.ofSeconds(60));
    h(2).answer = request -> new CompletableFuture<>();

    for (int i = 0; i < SimNetwork.MAX_OUTSTANDING_REQUESTS_PER_PEER + 5; i++) {
      t(1).send(heartbeat(1, 2));
    }

    assertEquals(5, h(1).unreachable.size()); // on the sending thread
    t(1).close();
    assertEquals(SimNetwork.MAX_OUTSTANDING_REQUESTS_PER_PEER + 5, h(1).unreachable.size());
  }

  @Test
  void countsRequestsAndBytesAsEncoded() throws Exception {
    network(3).setSnapshotChunkBytes(1024);
    Queue<SnapshotChunkReply> replies = new ConcurrentLinkedQueue<>();
    Function<SnapshotChunk, CompletableFuture<SnapshotChunkReply>> stage = h(2).chunkAnswer;
    h(2).chunkAnswer = chunk -> stage.apply(chunk).thenApply(reply -> {
      replies.add(reply);
      return reply;
    });
    RequestVote vote = new RequestVote(1, 2, 3, 7, 2, false, 0);
    AppendEntries append = new AppendEntries(1, 3, 2, 10, 1,
        List.of(new Entry(11, 2, ByteString.copyFromUtf8("put x 1"))), 9, 0, 0, 0, 0);

    t(1).send(vote);
    t(1).send(append);
    RaftMessage first = next(h(1).responses);
    RaftMessage second = next(h(1).responses);
    t(1).sendSnapshot(2, 4, new BytesSnapshotSource(META, new byte[3000])).get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertTrue(net.awaitIdle(IDLE));

    long expected = MessageCodec.encode(vote).getSerializedSize() + MessageCodec.encode(append).getSerializedSize()
        + size(first) + size(second);
    List<SnapshotChunk> chunks = new ArrayList<>(h(2).chunks);
    assertEquals(3, chunks.size());
    for (SnapshotChunk c : chunks) {
      expected += MessageCodec.encode(c).getSerializedSize();
    }
    for (SnapshotChunkReply r : replies) {
      expected += MessageCodec.encode(r).getSerializedSize();
    }
    assertEquals(expected, net.bytesTotal());
    assertEquals(5, net.rpcTotal());
    assertEquals(4, net.rpcCount(2));
    assertEquals(1, net.rpcCount(3));
    assertEquals(0, net.rpcCount(1));
  }

  @Test
  void unreliableSnapshotsArriveWholeOrFail() throws Exception {
    network(2).setReliable(false);
    net.setSnapshotChunkBytes(1024);
    h(2).chunkAnswer = chunk -> CompletableFuture.completedFuture(new SnapshotChunkReply(chunk.term(),
        chunk.offset() + chunk.data().size(), chunk.done() ? chunk.lastIncludedIndex() : 0));
    List<BytesSnapshotSource> sources = new ArrayList<>();
    List<CompletableFuture<InstallSnapshotResponse>> sent = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      BytesSnapshotSource source = new BytesSnapshotSource(META, new byte[3000]); // 3 chunks
      sources.add(source);
      sent.add(t(1).sendSnapshot(2, 4, source));
    }

    int succeeded = 0;
    for (CompletableFuture<InstallSnapshotResponse> f : sent) {
      try {
        assertEquals(new InstallSnapshotResponse(2, 1, 4, META.index(), 0), f.get(WAIT_SECONDS, TimeUnit.SECONDS));
        succeeded++;
      } catch (ExecutionException e) {
        assertInstanceOf(SnapshotSendException.class, e.getCause());
      }
    }

    assertTrue(succeeded > 0 && succeeded < 40, succeeded + " of 40 snapshots arrived");
    sources.forEach(s -> assertTrue(s.isClosed()));
  }

  @Test
  void closingTheNetworkSettlesEveryCallAndEndsIt() throws Exception {
    network(2).setRpcTimeout(Duration.ofSeconds(60));
    h(2).answer = request -> new CompletableFuture<>();
    t(1).send(heartbeat(1, 2));
    next(h(2).requests);

    net.close();

    assertEquals(2L, h(1).unreachable.poll());
    t(1).send(heartbeat(1, 2));
    assertEquals(2L, h(1).unreachable.poll());
    assertThrows(IllegalStateException.class, () -> net.transport(3));
  }

  private static AppendEntries heartbeat(long from, long to) {
    return new AppendEntries(from, to, 1, 10, 1, List.of(), 10, 0, 0, 0, 0);
  }

  private static long size(RaftMessage m) {
    return m instanceof RequestVoteResponse v
        ? MessageCodec.encode(v).getSerializedSize()
        : MessageCodec.encode((AppendEntriesResponse) m).getSerializedSize();
  }
}
