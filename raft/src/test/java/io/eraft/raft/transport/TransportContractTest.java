package io.eraft.raft.transport;

import static io.eraft.raft.transport.RecordingHandler.WAIT_SECONDS;
import static io.eraft.raft.transport.RecordingHandler.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.eraft.raft.core.AppendEntries;
import io.eraft.raft.core.AppendEntriesResponse;
import io.eraft.raft.core.Entry;
import io.eraft.raft.core.InstallSnapshotResponse;
import io.eraft.raft.core.RequestVote;
import io.eraft.raft.core.RequestVoteResponse;
import io.eraft.raft.core.SnapshotMeta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every {@link Transport} does (STYLE.md S8), run once per implementation by a subclass that
 * builds a {@link Cluster}: a request's answer reaches its sender with {@code from}/{@code to} set
 * and {@code callId} 0; a request that gets no answer is reported unreachable exactly once; snapshots
 * arrive in ordered chunks and reassemble byte for byte; a higher term or a lost chunk fails the
 * snapshot with its own exception and the source is always closed; after {@code close()} nothing is
 * sent. Implementation-specific behaviour (codec, status codes, meters, limits) is tested beside
 * each implementation.
 */
abstract class TransportContractTest {
  static final SnapshotMeta META = new SnapshotMeta(100, 3);

  /** What both implementations can be tuned by; everything else is left at its default. */
  record Tuning(Duration rpcTimeout, int snapshotChunkBytes) {
    static final Tuning DEFAULT = new Tuning(Duration.ofMillis(500), 64 * 1024);

    Tuning withRpcTimeout(Duration value) {
      return new Tuning(value, snapshotChunkBytes);
    }

    Tuning withSnapshotChunkBytes(int value) {
      return new Tuning(rpcTimeout, value);
    }
  }

  /** Running nodes of the implementation under test, each started with a {@link RecordingHandler}. */
  interface Cluster extends AutoCloseable {
    Transport transport(long id);

    RecordingHandler handler(long id);

    /** Takes node {@code id} down: it stops answering, and a call it is answering fails. */
    void stop(long id);

    /** A transport for node {@code id} (not in the cluster) among the cluster's peers, not started. */
    Transport unstarted(long id);

    /** Closes every transport and releases what the cluster owns. */
    @Override
    void close();
  }

  private Cluster cluster;

  /**
   * Starts nodes 1..{@code up}; the ids in {@code down} are peers every node knows but that are not
   * running.
   */
  protected abstract Cluster newCluster(Tuning tuning, int up, long... down);

  /**
   * Whether a send to a peer outside the cluster throws {@link IllegalArgumentException} (a fixed
   * peer list) rather than being reported unreachable like a peer that is down.
   */
  protected abstract boolean rejectsUnknownPeers();

  @AfterEach
  void closeCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private Cluster cluster(Tuning tuning, int up, long... down) {
    cluster = newCluster(tuning, up, down);
    return cluster;
  }

  // ---- requests -----------------------------------------------------------------------------

  @Test
  void requestVoteRoundTripReachesTheSenderWithFromAndTo() throws Exception {
    Cluster c = cluster(Tuning.DEFAULT, 2);
    // The receiver's own correlation tag must not travel back.
    c.handler(2).answer =
        request -> CompletableFuture.completedFuture(new RequestVoteResponse(2, 1, 3, true, true, 77));

    c.transport(1).send(new RequestVote(1, 2, 3, 7, 2, true, 0));

    assertEquals(new RequestVote(1, 2, 3, 7, 2, true, 0), next(c.handler(2).requests));
    assertEquals(new RequestVoteResponse(2, 1, 3, true, true, 0), next(c.handler(1).responses));
    assertTrue(c.handler(1).unreachable.isEmpty());
    assertTrue(c.handler(1).requests.isEmpty());
  }

  @Test
  void appendEntriesWithThousandEntriesOfOneKiBRoundTrip() throws Exception {
    Cluster c = cluster(Tuning.DEFAULT, 3);
    Random random = new Random(42);
    List<Entry> entries = new ArrayList<>();
    for (int i = 1; i <= 1000; i++) {
      byte[] data = new byte[1024];
      random.nextBytes(data);
      entries.add(new Entry(10 + i, 2, ByteString.copyFrom(data)));
    }
    AppendEntries append = new AppendEntries(1, 3, 2, 10, 1, entries, 9, 4, 0, 0, 0);

    c.transport(1).send(append);

    assertEquals(append, next(c.handler(3).requests));
    assertEquals(new AppendEntriesResponse(3, 1, 2, true, 1010, 0, 0, 4, false, 0), next(c.handler(1).responses));
    assertTrue(c.handler(2).requests.isEmpty());
  }

  @Test
  void peerDownIsReportedUnreachableOncePerRequest() throws Exception {
    Cluster c = cluster(Tuning.DEFAULT, 1, 3);
    RecordingHandler a = c.handler(1);

    for (int i = 0; i < 5; i++) {
      c.transport(1).send(heartbeat(1, 3));
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(3L, next(a.unreachable));
    }
    c.transport(1).close(); // settles whatever is outstanding, so no late report is missed

    assertTrue(a.unreachable.isEmpty());
    assertTrue(a.responses.isEmpty());
  }

  @Test
  void sendToUnknownPeerIsRejectedOrReportedUnreachable() throws Exception {
    Cluster c = cluster(Tuning.DEFAULT, 2);
    BytesSnapshotSource source = new BytesSnapshotSource(META, randomBytes(10));

    if (rejectsUnknownPeers()) {
      assertThrows(IllegalArgumentException.class, () -> c.transport(1).send(heartbeat(1, 7)));
      assertThrows(IllegalArgumentException.class, () -> c.transport(1).sendSnapshot(7, 4, source));
    } else {
      c.transport(1).send(heartbeat(1, 7));
      assertEquals(7L, next(c.handler(1).unreachable));
      assertEquals(7, failure(c.transport(1).sendSnapshot(7, 4, source), SnapshotSendException.class).peer());
    }
    assertTrue(source.isClosed());
    assertTrue(c.handler(1).responses.isEmpty());
  }

  @Test
  void answerMissingTheDeadlineIsReportedUnreachable() throws Exception {
    Cluster c = cluster(Tuning.DEFAULT.withRpcTimeout(Duration.ofMillis(200)), 2);
    c.handler(2).answer = request -> new CompletableFuture<>();

    c.transport(1).send(heartbeat(1, 2));

    assertEquals(2L, next(c.handler(1).unreachable));
    c.transport(1).close();
    assertTrue(c.handler(1).responses.isEmpty());
    assertTrue(c.handler(1).unreachable.isEmpty());
  }

  @Test
  void answerFailedByThePeerIsReportedUnreachable() throws Exception {
    Cluster c = cluster(Tuning.DEFAULT, 2);
    c.handler(2).answer = request -> CompletableFuture.failedFuture(new IllegalStateException("stopped"));

    c.transport(1).send(heartbeat(1, 2));

    assertEquals(2L, next(c.handler(1).unreachable));
    assertTrue(c.handler(1).responses.isEmpty());
  }

  @Test
  void closeReportsEachOutstandingRequestUnreachableOnce() throws Exception {
    Cluster c = cluster(Tuning.DEFAULT.withRpcTimeout(Duration.ofSeconds(60)), 2);
    c.handler(2).answer = request -> new CompletableFuture<>();
    c.transport(1).send(heartbeat(1, 2));
    c.transport(1).send(heartbeat(1, 2));
    next(c.handler(2).requests);
    next(c.handler(2).requests);

    c.transport(1).close();

    assertEquals(2L, next(c.handler(1).unreachable));
    assertEquals(2L, next(c.handler(1).unreachable));
    assertTrue(c.handler(1).unreachable.isEmpty());
    assertTrue(c.handler(1).responses.isEmpty());
  }

  @Test
  void afterCloseSendsAreReportedUnreachableAtOnceAndSnapshotsFail() throws Exception {
    Cluster c = cluster(Tuning.DEFAULT, 2);
    Transport t = c.transport(1);

    t.close();
    t.close();

    t.send(heartbeat(1, 2));
    assertEquals(2L, c.handler(1).unreachable.poll()); // on the sending thread
    BytesSnapshotSource source = new BytesSnapshotSource(META, randomBytes(10));
    assertEquals(2, failure(t.sendSnapshot(2, 4, source), SnapshotSendException.class).peer());
    assertTrue(source.isClosed());
    assertThrows(IllegalStateException.class, () -> t.start(new RecordingHandler()));
  }

  @Test
  void sendBeforeStartAndSecondStartAreRefused() {
    Cluster c = cluster(Tuning.DEFAULT, 1);
    Transport t = c.unstarted(9);

    assertThrows(IllegalStateException.class, () -> t.send(heartbeat(9, 1)));
    t.start(new RecordingHandler());
    assertThrows(IllegalStateException.class, () -> t.start(new RecordingHandler()));
  }

  @Test
  void sendRejectsWhatItCannotCarry() {
    Cluster c = cluster(Tuning.DEFAULT, 2);
    Transport t = c.transport(1);

    assertThrows(IllegalArgumentException.class, () -> t.send(new RequestVoteResponse(1, 2, 1, true, false, 0)));
    assertThrows(IllegalArgumentException.class, () -> t.send(heartbeat(2, 1)));
    BytesSnapshotSource source = new BytesSnapshotSource(META, new byte[0]);
    assertThrows(IllegalArgumentException.class, () -> t.sendSnapshot(2, 0, source));
    assertTrue(source.isClosed());
  }

  // ---- snapshots ----------------------------------------------------------------------------

  /** A snapshot of {@code bytes} sent in chunks of {@code chunkBytes}. */
  record SnapshotCase(int bytes, int chunkBytes) {}

  static Stream<SnapshotCase> snapshots() {
    return Stream.of(
        new SnapshotCase(0, 1024),
        new SnapshotCase(1, 1024),
        new SnapshotCase(1023, 1024),
        new SnapshotCase(1024, 1024),
        new SnapshotCase(2048, 1024),
        new SnapshotCase(5 * 1024 + 123, 1024),
        new SnapshotCase(5 * (1 << 20) + 123, 1 << 20));
  }

  @ParameterizedTest
  @MethodSource("snapshots")
  void snapshotArrivesInOrderedChunksAndReassembles(SnapshotCase s) throws Exception {
    Cluster c = cluster(Tuning.DEFAULT.withSnapshotChunkBytes(s.chunkBytes()), 2);
    byte[] data = randomBytes(s.bytes());
    BytesSnapshotSource source = new BytesSnapshotSource(META, data);

    InstallSnapshotResponse response = c.transport(1).sendSnapshot(2, 4, source).get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertEquals(new InstallSnapshotResponse(2, 1, 4, META.index(), 0), response);
    List<SnapshotChunk> chunks = new ArrayList<>();
    c.handler(2).chunks.drainTo(chunks);
    int expectedChunks = Math.max(1, (s.bytes() + s.chunkBytes() - 1) / s.chunkBytes());
    assertEquals(expectedChunks, chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      SnapshotChunk chunk = chunks.get(i);
      long offset = (long) i * s.chunkBytes();
      assertEquals(new SnapshotChunk(1, 2, 4, META.index(), META.term(), offset, chunk.data(), i == chunks.size() - 1),
          chunk);
      assertEquals(Math.min(s.chunkBytes(), s.bytes() - offset), chunk.data().size());
    }
    assertEquals(ByteString.copyFrom(data), c.handler(2).snapshotBytes());
    assertTrue(source.isClosed());
  }

  @Test
  void snapshotAnsweredWithHigherTermFailsWithThatTerm() throws Exception {
    Cluster c = cluster(Tuning.DEFAULT.withSnapshotChunkBytes(1024), 2);
    c.handler(2).chunkAnswer = chunk -> CompletableFuture.completedFuture(new SnapshotChunkReply(9, 0, 0));
    BytesSnapshotSource source = new BytesSnapshotSource(META, randomBytes(3000));

    HigherTermException e = failure(c.transport(1).sendSnapshot(2, 4, source), HigherTermException.class);

    assertEquals(9, e.term());
    assertEquals(2, e.peer());
    assertEquals(1, c.handler(2).chunks.size());
    assertTrue(source.isClosed());
  }

  @Test
  void snapshotFailsWhenThePeerExpectsAnotherOffset() throws Exception {
    Cluster c = cluster(Tuning.DEFAULT.withSnapshotChunkBytes(1024), 2);
    c.handler(2).chunkAnswer = chunk -> CompletableFuture.completedFuture(new SnapshotChunkReply(4, 0, 0));
    BytesSnapshotSource source = new BytesSnapshotSource(META, randomBytes(3000));

    assertEquals(2, failure(c.transport(1).sendSnapshot(2, 4, source), SnapshotSendException.class).peer());

    assertEquals(1, c.handler(2).chunks.size());
    assertTrue(source.isClosed());
  }

  @Test
  void snapshotToPeerThatIsDownFails() throws Exception {
    Cluster c = cluster(Tuning.DEFAULT, 1, 2);
    BytesSnapshotSource source = new BytesSnapshotSource(META, randomBytes(3000));

    SnapshotSendException e = failure(c.transport(1).sendSnapshot(2, 4, source), SnapshotSendException.class);

    assertEquals(2, e.peer());
    assertTrue(source.isClosed());
  }

  @Test
  void snapshotFailsWhenThePeerGoesDownMidway() throws Exception {
    Cluster c = cluster(Tuning.DEFAULT.withSnapshotChunkBytes(1024), 2);
    RecordingHandler b = c.handler(2);
    Function<SnapshotChunk, CompletableFuture<SnapshotChunkReply>> accept = b.chunkAnswer;
    CountDownLatch secondChunk = new CountDownLatch(1);
    b.chunkAnswer = chunk -> {
      if (chunk.offset() == 0) {
        return accept.apply(chunk);
      }
      secondChunk.countDown();
      return new CompletableFuture<>(); // the peer goes down before answering
    };
    BytesSnapshotSource source = new BytesSnapshotSource(META, randomBytes(3000));

    CompletableFuture<InstallSnapshotResponse> sent = c.transport(1).sendSnapshot(2, 4, source);
    assertTrue(secondChunk.await(WAIT_SECONDS, TimeUnit.SECONDS));
    c.stop(2);

    assertEquals(2, failure(sent, SnapshotSendException.class).peer());
    assertTrue(source.isClosed());
  }

  // ---- helpers shared with the implementations' own tests -----------------------------------

  static AppendEntries heartbeat(long from, long to) {
    return new AppendEntries(from, to, 1, 10, 1, List.of(), 10, 0, 0, 0, 0);
  }

  static byte[] randomBytes(int size) {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return data;
  }

  /** The exception {@code future} fails with, which must be an {@code expected}. */
  static <E extends Throwable> E failure(CompletableFuture<?> future, Class<E> expected) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(WAIT_SECONDS, TimeUnit.SECONDS));
    return assertInstanceOf(expected, e.getCause());
  }
}
