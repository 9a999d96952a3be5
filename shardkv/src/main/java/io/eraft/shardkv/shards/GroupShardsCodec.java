package io.eraft.shardkv.shards;

import io.eraft.proto.shardkvlog.GroupShardsRecord;
import io.eraft.proto.shardkvlog.ShardRecord;
import io.eraft.shardctrler.config.ConfigCodec;
import java.util.ArrayList;
import java.util.List;

/** Converts between {@link GroupShards} and its stored record. */
public final class GroupShardsCodec {
  private GroupShardsCodec() {}

  public static GroupShardsRecord toRecord(GroupShards shards) {
    GroupShardsRecord.Builder record = GroupShardsRecord.newBuilder().setConfig(ConfigCodec.toProto(shards.config()));
    for (ShardState s : shards.shards()) {
      record.addShards(ShardRecord.newBuilder()
          .setStatus(s.status().wire())
          .setSource(toProto(s.source()))
          .setResumed(s.resumed())
          .setPulledThrough(s.pulledThrough()));
    }
    shards.holders().forEach(h -> record.addHolders(toProto(h)));
    return record.build();
  }

  /** @throws IllegalArgumentException if the record is malformed */
  public static GroupShards fromRecord(int gid, GroupShardsRecord record) {
    List<ShardState> states = new ArrayList<>();
    for (ShardRecord s : record.getShardsList()) {
      states.add(new ShardState(ShardStatus.ofWire(s.getStatus()), fromProto(s.getSource()), s.getResumed(),
          s.getPulledThrough()));
    }
    List<Holder> holders = record.getHoldersList().stream().map(GroupShardsCodec::fromProto).toList();
    return new GroupShards(gid, ConfigCodec.fromProto(record.getConfig()), states, holders);
  }

  private static io.eraft.proto.shardkvlog.Holder toProto(Holder h) {
    return io.eraft.proto.shardkvlog.Holder.newBuilder().setGid(h.gid()).addAllServers(h.servers()).build();
  }

  private static Holder fromProto(io.eraft.proto.shardkvlog.Holder h) {
    return h.getGid() == 0 ? Holder.NONE : new Holder(h.getGid(), h.getServersList());
  }
}
