package io.eraft.raft.linearizability;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;

/** JUnit assertions over recorded histories. */
public final class Linearizability {
  private Linearizability() {}

  /**
   * Fails the test unless {@code history} is linearizable with respect to {@code model}. A check
   * that does not finish within {@code timeout} fails too: in this project an undecided history
   * is a failure, not a pass (porcupine and the MIT tests treat it as a pass).
   */
  public static <S, I, O> void assertLinearizable(
      Model<S, I, O> model, List<Operation<I, O>> history, Duration timeout) {
    CheckResult result = LinearizabilityChecker.check(model, history, timeout);
    switch (result.outcome()) {
      case OK -> { }
      case ILLEGAL -> fail("history of " + history.size() + " operations is not linearizable\n"
          + result.explanation());
      case UNKNOWN -> fail("history of " + history.size() + " operations could not be checked"
          + " (a checker timeout fails the test)\n" + result.explanation());
    }
  }
}
