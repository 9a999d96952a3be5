package io.eraft.raft.node;

import io.eraft.raft.ProposalFailedException;
import io.eraft.raft.ProposalFailedException.Reason;
import io.eraft.raft.core.Entry;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client futures of accepted proposals, by log index. The raft loop registers a proposal as soon
 * as the core accepts it (before it can commit); the apply thread completes it when an entry is
 * applied at its index — with the state machine's result only if that entry carries the
 * proposal's term, so a waiter never receives the result of another command that took its index
 * after a leadership change (eRaft's §9 item 6). Thread-safe.
 *
 * @param <R> the state machine's result type
 */
public final class PendingProposals<R> {
  private record Pending<R>(long term, CompletableFuture<R> future) {}

  private final Map<Long, Pending<R>> byIndex = new ConcurrentHashMap<>();

  void register(long index, long term, CompletableFuture<R> future) {
    Pending<R> replaced = byIndex.put(index, new Pending<>(term, future));
    if (replaced != null) {
      // This node lost leadership, its log was truncated, and it leads again: the old proposal
      // at this index was overwritten and will never be applied.
      replaced.future().completeExceptionally(new ProposalFailedException(Reason.LEADERSHIP_LOST, -1,
          "index " + index + " was reused in term " + term + " after a leadership change"));
    }
  }

  /** The entry at {@code e.index()} was applied with {@code result}. */
  void applied(Entry e, R result) {
    Pending<R> p = byIndex.remove(e.index());
    if (p == null) {
      return;
    }
    if (p.term() == e.term()) {
      p.future().complete(result);
    } else {
      p.future().completeExceptionally(new ProposalFailedException(Reason.LEADERSHIP_LOST, -1,
          "index " + e.index() + " was taken by an entry of term " + e.term() + " after a leadership change"));
    }
  }

  /**
   * Fails every proposal at or below {@code index}, whose entries will never be applied here. Rare
   * (snapshot installs, shutdown), so a scan of the whole map is fine.
   */
  void failThrough(long index, Reason reason, String why) {
    for (Map.Entry<Long, Pending<R>> e : byIndex.entrySet()) {
      if (e.getKey() <= index && byIndex.remove(e.getKey(), e.getValue())) {
        e.getValue().future().completeExceptionally(new ProposalFailedException(reason, -1, why));
      }
    }
  }

  void failAll(Reason reason, String why) {
    failThrough(Long.MAX_VALUE, reason, why);
  }

  int size() {
    return byIndex.size();
  }
}
