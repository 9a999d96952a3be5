package io.eraft.raft.server;

import io.eraft.raft.ProposalFailedException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failed proposal or read means to a client of an eRaft service, which knows only two
 * answers besides success: ask another server ({@code ErrWrongLeader}, nothing was applied), or
 * the outcome is unknown ({@code ErrTimeout}, retry with the same ids).
 */
public enum RequestFailure {
  WRONG_LEADER,
  TIMEOUT;

  private static final Logger LOG = LoggerFactory.getLogger(RequestFailure.class);

  /** Classifies {@code error} (possibly wrapped in a {@link CompletionException}). */
  public static RequestFailure of(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof ProposalFailedException failed) {
      return switch (failed.reason()) {
        case NOT_LEADER, LEADERSHIP_LOST -> WRONG_LEADER;
        case OUTCOME_UNKNOWN, OVERLOADED, STOPPED -> TIMEOUT;
      };
    }
    if (!(cause instanceof TimeoutException)) {
      LOG.warn("request failed unexpectedly; answering as a timeout", cause);
    }
    return TIMEOUT;
  }
}
