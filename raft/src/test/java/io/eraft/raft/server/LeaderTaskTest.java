package io.eraft.raft.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.raft.cluster.LocalRaftCluster;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LeaderTaskTest {
  @Test
  void runsOnlyWhileLeadingAndSurvivesAFailingRun() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    try (LeaderTask task = new LeaderTask("test-task", Duration.ofMillis(5), () -> {
      if (runs.incrementAndGet() == 1) {
        throw new IllegalStateException("the first run fails");
      }
    })) {
      assertFalse(task.isActive());
      task.leadershipChanged(true, 3);
      assertTrue(task.isActive());
      LocalRaftCluster.awaitCondition(() -> runs.get() >= 3);
      task.leadershipChanged(true, 3); // told twice: still one schedule
      task.leadershipChanged(false, 3);
      assertFalse(task.isActive());
      task.leadershipChanged(true, 5);
      int before = runs.get();
      LocalRaftCluster.awaitCondition(() -> runs.get() > before);
      task.close();
      assertFalse(task.isActive());
      task.leadershipChanged(true, 7);
      assertFalse(task.isActive(), "a closed task never runs again");
    }
  }

  @Test
  void anIntervalMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new LeaderTask("t", Duration.ZERO, () -> { }));
  }
}
