package io.eraft.kvraft;

import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.raft.rpc.GroupErrors;

/**
 * The {@code err} strings of {@code kvraftpb.CommandResponse}. The first four are eRaft's, on the
 * wire unchanged; the last two are ours, for requests eRaft would accept and mishandle.
 */
public enum KvError {
  OK("OK"),
  /** Get of an absent key; the value is empty. */
  ERR_NO_KEY("ErrNoKey"),
  /** This server does not lead; try another (the leader it knows of is in {@code leader_address}). Not applied. */
  ERR_WRONG_LEADER(GroupErrors.WRONG_LEADER),
  /** No outcome in time; the command may or may not have applied. Retry with the same ids. */
  ERR_TIMEOUT(GroupErrors.TIMEOUT),
  /** The value exceeds the server's limit; the value field explains. Not applied. */
  ERR_VALUE_TOO_LARGE("ErrValueTooLarge"),
  /** The request is malformed (unknown op, oversized key); the value field explains. Not applied. */
  ERR_BAD_REQUEST("ErrBadRequest");

  private final String wire;

  KvError(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** {@code ErrWrongLeader}, naming the leader this server knows of ("" for none) in the new field. */
  public static CommandResponse wrongLeader(String leaderAddress) {
    return CommandResponse.newBuilder().setErr(ERR_WRONG_LEADER.wire).setLeaderAddress(leaderAddress).build();
  }

  /** A reply carrying this error and {@code value} (the value read, or an error's explanation). */
  public CommandResponse reply(String value) {
    return CommandResponse.newBuilder().setErr(wire).setValue(value).build();
  }
}
