package io.eraft.cli.shardkv;

import io.eraft.cli.json.Json;
import io.eraft.proto.shardkvpb.ShardInfo;
import io.eraft.raft.client.NodeStatus;
import io.eraft.shardkv.client.ShardKvNodeStatus;
import java.util.List;

/**
 * eRaft's {@code shardkvclient status} table (ERAFT-SPEC §5.7), byte for byte, and its JSON form:
 * a row per server ({@code <gid>-<id>}), each followed by the shards whose data it holds. Unlike
 * eRaft, groups come in gid order (eRaft's are random) and shards waiting to be pulled away are
 * listed too. Stateless.
 */
final class ShardKvStatusTable {
  private static final String HEADER = "%-10s %-25s %-15s %-10s %-10s %-15s %-15s";
  private static final String ROW = "%-10s %-25s %-15s %-10d %-10d %-15d %-15d";
  private static final String SHARD_HEADER = "  %-10s %-15s %-15s %-15s";
  private static final String SHARD_ROW = "  %-10d %-15s %-15d %-15d";

  private ShardKvStatusTable() {}

  static String render(List<ShardKvNodeStatus> rows) {
    StringBuilder table = new StringBuilder()
        .append(String.format(HEADER, "GID-ID", "Address", "Role", "Term", "Applied", "Commit", "Storage(B)"))
        .append('\n').append("-".repeat(105)).append('\n');
    for (ShardKvNodeStatus row : rows) {
      NodeStatus s = row.node();
      table.append(String.format(ROW, row.gid() + "-" + s.id(), s.address(), s.displayRole(), s.term(),
          s.lastApplied(), s.commitIndex(), s.storageBytes())).append('\n');
      if (!row.shards().isEmpty()) {
        table.append("  Shards:\n").append(String.format(SHARD_HEADER, "ShardID", "Status", "Keys", "Bytes"))
            .append('\n');
        for (ShardInfo shard : row.shards()) {
          table.append(String.format(SHARD_ROW, shard.getShardId(), shard.getStatus(), shard.getKeys(),
              shard.getBytes())).append('\n');
        }
        table.append('\n');
      }
    }
    return table.toString();
  }

  /** One JSON array of the rows, on one line; an offline server has gid, id, address, role, online and its error. */
  static String json(List<ShardKvNodeStatus> rows) {
    return Json.array(rows.stream().map(row -> {
      NodeStatus s = row.node();
      Json.Builder o = Json.object()
          .field("gid", row.gid())
          .field("id", s.id())
          .field("address", s.address())
          .field("role", s.role())
          .field("online", s.online());
      if (!s.online()) {
        return o.field("error", s.failure()).toString();
      }
      return o.field("standing", s.standing())
          .field("term", s.term())
          .field("applied", s.lastApplied())
          .field("commit", s.commitIndex())
          .field("storageBytes", s.storageBytes())
          .encoded("shards", Json.array(row.shards().stream().map(shard -> Json.object()
              .field("shard", shard.getShardId())
              .field("status", shard.getStatus())
              .field("keys", shard.getKeys())
              .field("bytes", shard.getBytes()).toString()).toList()))
          .toString();
    }).toList()) + "\n";
  }
}
