package io.eraft.shardctrler.config;

import io.eraft.proto.shardctrlerpb.Config;
import io.eraft.proto.shardctrlerpb.Servers;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Converts between {@link ShardConfig} and eRaft's wire {@code shardctrlerpb.Config}. */
public final class ConfigCodec {
  private ConfigCodec() {}

  public static Config toProto(ShardConfig config) {
    Config.Builder proto = Config.newBuilder().setNum(config.num()).addAllShards(config.shards());
    config.groups().forEach((gid, servers) -> proto.putGroups(gid, Servers.newBuilder().addAllServers(servers).build()));
    return proto.build();
  }

  public static ShardConfig fromProto(Config proto) {
    return new ShardConfig(proto.getNum(), proto.getShardsList(), groups(proto.getGroupsMap()));
  }

  /** A {@code map<int32, Servers>} as gid → addresses. */
  public static SortedMap<Integer, List<String>> groups(Map<Integer, Servers> proto) {
    SortedMap<Integer, List<String>> groups = new TreeMap<>();
    proto.forEach((gid, servers) -> groups.put(gid, servers.getServersList()));
    return groups;
  }
}
