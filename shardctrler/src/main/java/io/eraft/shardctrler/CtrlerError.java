package io.eraft.shardctrler;

import io.eraft.proto.shardctrlerpb.CommandResponse;
import io.eraft.raft.rpc.GroupErrors;
import io.eraft.shardctrler.config.ConfigCodec;
import io.eraft.shardctrler.config.ShardConfig;

/**
 * The {@code err} strings of {@code shardctrlerpb.CommandResponse}: eRaft's three, plus
 * {@code ErrBadRequest} for commands eRaft would accept and mishandle (the reason is in the new
 * {@code detail} field).
 */
public enum CtrlerError {
  OK("OK"),
  ERR_WRONG_LEADER(GroupErrors.WRONG_LEADER),
  ERR_TIMEOUT(GroupErrors.TIMEOUT),
  ERR_BAD_REQUEST("ErrBadRequest");

  /** eRaft answers every non-Query command with an empty config: number 0, ten 0 shards, no groups. */
  private static final CommandResponse.Builder EMPTY = CommandResponse.newBuilder()
      .setConfig(ConfigCodec.toProto(ShardConfig.INITIAL));

  private final String wire;

  CtrlerError(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** A reply with this error, eRaft's empty config and {@code detail}. */
  public CommandResponse reply(String detail) {
    return EMPTY.clone().setErr(wire).setDetail(detail).build();
  }

  /** {@code ErrWrongLeader} with eRaft's empty config, naming the leader this replica knows of ("" for none). */
  public static CommandResponse wrongLeader(String leaderAddress) {
    return EMPTY.clone().setErr(ERR_WRONG_LEADER.wire).setLeaderAddress(leaderAddress).build();
  }

  /** A successful Query's reply. */
  public static CommandResponse config(ShardConfig config) {
    return CommandResponse.newBuilder().setErr(OK.wire).setConfig(ConfigCodec.toProto(config)).build();
  }
}
