package io.eraft.raft.core;

/**
 * What a leader knows about one follower's log (etcd's tracker.Progress). Thread-confined.
 *
 * <ul>
 *   <li>PROBE: the leader does not know where the logs diverge; one AppendEntries at a time, the
 *       next after a response that moves the probe point back or acknowledges something; a
 *       rejection that cannot move it lets the probe go out again only after a whole heartbeat
 *       interval — so a follower that keeps rejecting costs one probe per interval, never a loop
 *       at network speed. An unanswered probe waits for an answer to a heartbeat: probing a peer
 *       that answers nothing would only start snapshot transfers into the void.
 *   <li>REPLICATE: the follower is known to match through {@code match}; entries are pipelined
 *       optimistically up to the {@link Inflights} window. A window that stays full for a whole
 *       heartbeat interval with no acknowledgement gives up one slot (etcd does so on a heartbeat
 *       answer): a message the follower dropped without a failure being reported — entries it
 *       ignored because they started below its commit index — must not stall it forever.
 *   <li>SNAPSHOT: a snapshot transfer is in progress; nothing else is sent but heartbeats.
 * </ul>
 *
 * <p>Invariant: {@code match < next}.
 */
final class Progress {
  enum State { PROBE, REPLICATE, SNAPSHOT }

  private static final int REJECTIONS_BEFORE_WARNING = 3;

  private long match;
  private long next;
  private State state = State.PROBE;
  private long pendingSnapshot;
  private boolean probeSent;
  /** Heartbeat intervals that began since the last probe went out. */
  private int probeWaitedBeats;
  /** Whether the follower rejected something since the last probe without moving the probe point. */
  private boolean rejectedSinceProbe;
  /** {@code match} when the last heartbeat interval began. */
  private long matchAtLastBeat;
  /** Whether the follower's last answer said it lost its state and is not restored yet. */
  private boolean recovering;
  private boolean recentActive;
  /** The highest ReadIndex round the follower acknowledged in an answer that was not recovering. */
  private long voterAckedRound;
  /**
   * Rejections in a row of indexes this follower had acknowledged. One alone is usually a stale
   * answer overtaken by later ones; several in a row mean it no longer holds them.
   */
  private int rejectionsBelowMatch;
  private final Inflights inflights;

  Progress(long next, Inflights inflights) {
    this.next = next;
    this.inflights = inflights;
  }

  long match() {
    return match;
  }

  long next() {
    return next;
  }

  State state() {
    return state;
  }

  long pendingSnapshot() {
    return pendingSnapshot;
  }

  boolean recentActive() {
    return recentActive;
  }

  void setRecentActive(boolean active) {
    recentActive = active;
  }

  boolean recovering() {
    return recovering;
  }

  void setRecovering(boolean recovering) {
    this.recovering = recovering;
  }

  long voterAckedRound() {
    return voterAckedRound;
  }

  void voterAcknowledgedRound(long round) {
    voterAckedRound = Math.max(voterAckedRound, round);
  }

  void becomeProbe() {
    if (state == State.SNAPSHOT) {
      next = Math.max(match + 1, pendingSnapshot + 1);
    } else {
      next = match + 1;
    }
    resetState(State.PROBE);
  }

  void becomeReplicate() {
    next = match + 1;
    resetState(State.REPLICATE);
  }

  void becomeSnapshot(long snapshotIndex) {
    resetState(State.SNAPSHOT);
    pendingSnapshot = snapshotIndex;
  }

  private void resetState(State newState) {
    state = newState;
    probeSent = false;
    pendingSnapshot = 0;
    inflights.reset();
  }

  /** A follower acknowledged its log matches through {@code index}. Returns whether match grew. */
  boolean maybeUpdate(long index) {
    boolean updated = false;
    if (match < index) {
      match = index;
      updated = true;
      probeSent = false;
    }
    next = Math.max(next, index + 1);
    return updated;
  }

  /**
   * A rejection of AppendEntries at {@code rejected}; {@code matchHint} is the leader's best guess
   * of the highest index that matches. Returns true if the next probe should go out now: the probe
   * point moved back. A stale rejection, or one of a probe at the known match (the probe point
   * cannot move lower), returns false and leaves a probing follower paused until the next
   * heartbeat.
   */
  boolean maybeDecreaseTo(long rejected, long matchHint) {
    if (state == State.REPLICATE) {
      if (rejected <= match) {
        return false;
      }
      next = match + 1;
      return true;
    }
    if (next - 1 != rejected) {
      return false;
    }
    long lower = Math.max(Math.min(rejected, matchHint + 1), match + 1);
    if (lower >= next) {
      return false;
    }
    next = lower;
    probeSent = false;
    return true;
  }

  /**
   * Counts a rejection at {@code rejected}; returns true exactly once per run of rejections of
   * indexes the follower had acknowledged, when the run gets long enough to warn about (it no
   * longer holds what it acknowledged). Any acknowledgement ends the run.
   */
  boolean rejectionBelowMatchWorthWarning(long rejected) {
    if (rejected > match) {
      return false;
    }
    return ++rejectionsBelowMatch == REJECTIONS_BEFORE_WARNING;
  }

  /** The follower rejected an AppendEntries and the probe point could not move. */
  void rejectedInPlace() {
    rejectedSinceProbe = true;
  }

  /**
   * A heartbeat interval began; returns whether an AppendEntries should go out now (even an empty
   * one). A probe answered only by rejections that could not move the probe point may go out again
   * once a whole interval passed since it was sent; a replicating window that stayed full through
   * the interval without {@code match} moving frees its oldest slot.
   */
  boolean heartbeatElapsed() {
    if (state == State.REPLICATE) {
      boolean stalled = inflights.isFull() && match == matchAtLastBeat;
      matchAtLastBeat = match;
      if (stalled) {
        inflights.freeFirstOne();
      }
      return stalled;
    }
    if (state != State.PROBE || !probeSent || !rejectedSinceProbe || ++probeWaitedBeats < 2) {
      return false;
    }
    probeSent = false;
    return true;
  }

  /**
   * The follower lost its state: nothing it acknowledged before counts. Probe it from the end of
   * the leader's log ({@code next}), backing off by its rejection hints as after an election.
   */
  void forgetLostState(long next) {
    match = 0;
    this.next = next;
    rejectionsBelowMatch = 0;
    resetState(State.PROBE);
  }

  /** Records that entries through {@code lastIndex} were just sent in a message of {@code bytes}. */
  void sentEntries(long lastIndex, long bytes, boolean hadEntries) {
    if (state == State.REPLICATE) {
      if (hadEntries) {
        next = lastIndex + 1;
        inflights.add(lastIndex, bytes);
      }
    } else if (state == State.PROBE) {
      probeSent = true;
      probeWaitedBeats = 0;
      rejectedSinceProbe = false;
    }
  }

  /** The follower acknowledged an AppendEntries. */
  void acknowledgedSomething() {
    rejectionsBelowMatch = 0;
  }

  /** Any response from the follower lets a probing leader send its next probe. */
  void responseReceived() {
    if (state == State.PROBE) {
      probeSent = false;
    }
  }

  void acknowledged(long index) {
    inflights.freeLE(index);
  }

  boolean isPaused() {
    return switch (state) {
      case PROBE -> probeSent;
      case REPLICATE -> inflights.isFull();
      case SNAPSHOT -> true;
    };
  }

  @Override
  public String toString() {
    return state + " match=" + match + " next=" + next
        + (state == State.SNAPSHOT ? " pendingSnapshot=" + pendingSnapshot : "")
        + (state == State.REPLICATE ? " inflight=" + inflights.count() : "");
  }
}
