package io.eraft.cli.ctrler;

import io.eraft.cli.json.Json;
import io.eraft.shardctrler.config.ShardConfig;
import java.util.List;
import java.util.stream.Collectors;

/** How {@code shardctl query} prints a config: eRaft's block (ERAFT-SPEC §5.5), or one JSON object. */
final class ConfigReport {
  private ConfigReport() {}

  /**
   * eRaft's {@code Config #N} block with Go's {@code %v} lists; groups in gid order (eRaft prints
   * them in random map order).
   */
  static String text(ShardConfig config) {
    StringBuilder out = new StringBuilder()
        .append("Config #").append(config.num()).append('\n')
        .append("  Shards: ").append(goList(config.shards())).append('\n')
        .append("  Groups:\n");
    config.groups().forEach((gid, servers) ->
        out.append("    ").append(gid).append(": ").append(goList(servers)).append('\n'));
    return out.toString();
  }

  /** {@code {"num":N,"shards":[gid,...],"groups":{"gid":["addr",...]}}} on one line. */
  static String json(ShardConfig config) {
    Json.Builder groups = Json.object();
    config.groups().forEach((gid, servers) ->
        groups.encoded(Integer.toString(gid), Json.array(servers.stream().map(Json::string).toList())));
    return Json.object()
        .field("num", config.num())
        .encoded("shards", Json.array(config.shards().stream().map(String::valueOf).toList()))
        .encoded("groups", groups.toString())
        + "\n";
  }

  private static String goList(List<?> values) {
    return values.stream().map(String::valueOf).collect(Collectors.joining(" ", "[", "]"));
  }
}
