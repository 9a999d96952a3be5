package io.eraft.raft.sim.service;

/**
 * labrpc's {@code Call} returning false: the call got no reply, for the reason given. A client sees
 * it as a transport failure and tries another server. A service's endpoint may throw it from its
 * handler to lose a reply the server did give (see {@link SimClientEnd#call}). No stack trace: it
 * is an expected outcome, raised by the thousand in unreliable runs.
 */
public final class SimCallFailure extends RuntimeException {
  public SimCallFailure(String reason) {
    super(reason, null, false, false);
  }
}
