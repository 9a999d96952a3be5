package io.eraft.raft.node;

import io.eraft.raft.LeadershipListener;
import io.eraft.raft.core.Role;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the raft loop's view of its core into leadership changes for {@link LeadershipListener}s:
 * a gain when the node leads a term it did not lead at the last look, a loss when it stops (a
 * loss of the old term first if it leads a new term since). Listeners may be added from any
 * thread; the rest is confined to the raft loop.
 */
final class Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final List<LeadershipListener> listeners = new CopyOnWriteArrayList<>();
  private boolean leading;
  private long term;

  void add(LeadershipListener listener) {
    listeners.add(listener);
  }

  /** The core's role and term after a batch of work. */
  void observe(Role role, long currentTerm) {
    boolean leadsNow = role == Role.LEADER;
    if (leading && (!leadsNow || currentTerm != term)) {
      leading = false;
      tell(false, term);
    }
    if (leadsNow && !leading) {
      leading = true;
      term = currentTerm;
      tell(true, term);
    }
  }

  /** The loop stopped: a leader stops leading. */
  void stopped() {
    if (leading) {
      leading = false;
      tell(false, term);
    }
  }

  private void tell(boolean leads, long ofTerm) {
    for (LeadershipListener listener : listeners) {
      try {
        listener.leadershipChanged(leads, ofTerm);
      } catch (RuntimeException e) {
        LOG.warn("a leadership listener failed on {} of term {}", leads ? "gaining" : "losing", ofTerm, e);
      }
    }
  }
}
