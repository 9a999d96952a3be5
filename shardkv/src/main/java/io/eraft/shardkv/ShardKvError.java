package io.eraft.shardkv;

import io.eraft.proto.shardkvpb.CommandResponse;
import io.eraft.raft.rpc.GroupErrors;

/**
 * The {@code err} strings of {@code shardkvpb} replies: eRaft's seven on the wire unchanged, and two
 * of ours for requests eRaft would accept and mishandle.
 */
public enum ShardKvError {
  OK("OK"),
  /** Get of an absent key; the value is empty. */
  ERR_NO_KEY("ErrNoKey"),
  /** This group does not serve the key's shard now (not its owner, or its data has not arrived); ask the controllers. */
  ERR_WRONG_GROUP("ErrWrongGroup"),
  /** This server does not lead its group; the leader it knows of is in {@code leader_address}. */
  ERR_WRONG_LEADER(GroupErrors.WRONG_LEADER),
  /** Between groups: the request belongs to a configuration this group has left behind. */
  ERR_OUT_DATED("ErrOutDated"),
  /** No outcome in time; the command may or may not have applied. Retry with the same ids. */
  ERR_TIMEOUT(GroupErrors.TIMEOUT),
  /** Between groups: this group has not reached the request's configuration yet; ask again later. */
  ERR_NOT_READY("ErrNotReady"),
  /** The value exceeds the server's limit; the value field explains. Not applied. */
  ERR_VALUE_TOO_LARGE("ErrValueTooLarge"),
  /** The request is malformed (unknown op, oversized key); the value field explains. Not applied. */
  ERR_BAD_REQUEST("ErrBadRequest");

  private final String wire;

  ShardKvError(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public boolean is(String err) {
    return wire.equals(err);
  }

  /** {@code ErrWrongLeader}, naming the leader this server knows of ("" for none). */
  public static CommandResponse wrongLeader(String leaderAddress) {
    return CommandResponse.newBuilder().setErr(ERR_WRONG_LEADER.wire).setLeaderAddress(leaderAddress).build();
  }

  /** A command reply carrying this error and {@code value} (the value read, or an error's explanation). */
  public CommandResponse reply(String value) {
    return CommandResponse.newBuilder().setErr(wire).setValue(value).build();
  }
}
