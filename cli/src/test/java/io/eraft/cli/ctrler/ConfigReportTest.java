package io.eraft.cli.ctrler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eraft.shardctrler.config.ShardConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** shardctl query's output: eRaft's block with Go's %v lists (ERAFT-SPEC §5.5), and its JSON form. */
class ConfigReportTest {
  private static final ShardConfig CONFIG = new ShardConfig(7, List.of(101, 100, 100, 100, 100, 101, 101, 101, 101, 0),
      new TreeMap<>(Map.of(
          101, List.of("localhost:7001", "localhost:7002"),
          100, List.of("localhost:6001"))));

  @Test
  void textIsERaftsBlockWithGroupsInGidOrder() {
    assertEquals(""
        + "Config #7\n"
        + "  Shards: [101 100 100 100 100 101 101 101 101 0]\n"
        + "  Groups:\n"
        + "    100: [localhost:6001]\n"
        + "    101: [localhost:7001 localhost:7002]\n", ConfigReport.text(CONFIG));
  }

  @Test
  void initialConfigHasNoGroupLines() {
    assertEquals("Config #0\n  Shards: [0 0 0 0 0 0 0 0 0 0]\n  Groups:\n", ConfigReport.text(ShardConfig.INITIAL));
  }

  @Test
  void jsonIsOneLineWithGidKeys() {
    assertEquals("{\"num\":7,\"shards\":[101,100,100,100,100,101,101,101,101,0],"
        + "\"groups\":{\"100\":[\"localhost:6001\"],\"101\":[\"localhost:7001\",\"localhost:7002\"]}}\n",
        ConfigReport.json(CONFIG));
    assertEquals("{\"num\":0,\"shards\":[0,0,0,0,0,0,0,0,0,0],\"groups\":{}}\n", ConfigReport.json(ShardConfig.INITIAL));
  }
}
