package io.eraft.shardctrler.config;

import io.eraft.proto.shardctrlerpb.CommandRequest;
import io.eraft.proto.shardctrlerpb.Servers;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates and executes Join, Leave and Move against the latest config. eRaft accepts anything and
 * crashes or misbehaves on some (an out-of-range Move crashes every replica forever, an empty Join
 * assigns shards to gid −1, ERAFT-SPEC §9 items 4–5); here an invalid command changes nothing and
 * is answered with the reason. The check runs before proposing and again when applying, against
 * the config of that moment, so replicas always agree.
 */
public final class ConfigCommands {
  private ConfigCommands() {}

  /** Why {@code request} cannot apply to {@code latest}, or null if it can. Query is always valid. */
  public static String invalidReason(CommandRequest request, ShardConfig latest) {
    return switch (request.getOp()) {
      case JOIN -> invalidJoin(request.getServersMap(), latest);
      case LEAVE -> invalidLeave(request.getGidsList(), latest);
      case MOVE -> invalidMove(request.getShard(), request.getGid(), latest);
      case QUERY -> null;
      default -> "unknown op " + request.getOpValue() + "; expected JOIN (0), LEAVE (1), MOVE (2) or QUERY (3)";
    };
  }

  /** The config after a valid {@code request} (not a Query). */
  public static ShardConfig execute(CommandRequest request, ShardConfig latest) {
    return switch (request.getOp()) {
      case JOIN -> Rebalancer.join(latest, ConfigCodec.groups(request.getServersMap()));
      case LEAVE -> Rebalancer.leave(latest, request.getGidsList());
      case MOVE -> Rebalancer.move(latest, request.getShard(), request.getGid());
      default -> throw new IllegalArgumentException("not a configuration change: " + request.getOp());
    };
  }

  private static String invalidJoin(Map<Integer, Servers> servers, ShardConfig latest) {
    if (servers.isEmpty()) {
      return "join names no groups";
    }
    for (Map.Entry<Integer, Servers> e : servers.entrySet()) {
      int gid = e.getKey();
      if (gid <= 0) {
        return "gid " + gid + " is not positive";
      }
      if (latest.groups().containsKey(gid)) {
        return "gid " + gid + " has already joined (config " + latest.num() + ")";
      }
      if (e.getValue().getServersCount() == 0) {
        return "gid " + gid + " lists no servers";
      }
    }
    return null;
  }

  private static String invalidLeave(List<Integer> gids, ShardConfig latest) {
    if (gids.isEmpty()) {
      return "leave names no groups";
    }
    Set<Integer> seen = new HashSet<>();
    for (int gid : gids) {
      if (!latest.groups().containsKey(gid)) {
        return "gid " + gid + " is not a group of config " + latest.num();
      }
      if (!seen.add(gid)) {
        return "gid " + gid + " is listed twice";
      }
    }
    return null;
  }

  private static String invalidMove(int shard, int gid, ShardConfig latest) {
    if (shard < 0 || shard >= ShardConfig.N_SHARDS) {
      return "shard " + shard + " is out of range [0, " + (ShardConfig.N_SHARDS - 1) + "]";
    }
    if (!latest.groups().containsKey(gid)) {
      return "gid " + gid + " is not a group of config " + latest.num();
    }
    return null;
  }
}
