package io.eraft.shardctrler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.proto.shardctrlerpb.CommandRequest;
import io.eraft.proto.shardctrlerpb.Op;
import io.eraft.proto.shardctrlerpb.Servers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Shard-for-shard agreement with eRaft over long command sequences. Clients and shardkv servers see the
 * assignment, so it must be eRaft's exactly (ERAFT-SPEC §3.3), and the short worked example in
 * {@link RebalancerTest} does not reach the rarer paths: more groups than shards, every group leaving and
 * rejoining, and joins and leaves after moves have unbalanced the groups. {@code rebalance-golden.txt}
 * holds 1200 commands with the configs eRaft's own code produced for them (its header says how). Each
 * command goes through {@link ConfigCommands}, as the state machine applies it, so it must also be valid.
 */
class RebalancerGoldenTest {
  private static final String RESOURCE = "rebalance-golden.txt";
  private static final Pattern STEP = Pattern.compile("(join|leave|move) (\\S+(?: \\S+)?) -> (\\d+) \\[([\\d ]+)]");

  @Test
  void matchesEraftOnEveryCommandOfTheGoldenSequences() throws IOException {
    String sequence = null;
    ShardConfig config = null;
    int commands = 0;
    try (InputStream in = RebalancerGoldenTest.class.getResourceAsStream(RESOURCE)) {
      assertNotNull(in, RESOURCE + " is missing");
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      int lineNumber = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        if (line.startsWith("sequence ")) {
          sequence = line.substring("sequence ".length());
          config = ShardConfig.INITIAL;
          continue;
        }
        String where = "sequence " + sequence + ", line " + lineNumber + ": " + line;
        Matcher step = STEP.matcher(line);
        assertTrue(step.matches() && config != null, "malformed, or before any sequence: " + where);
        CommandRequest request = request(step.group(1), step.group(2));
        assertNull(ConfigCommands.invalidReason(request, config), where);
        config = ConfigCommands.execute(request, config);
        assertEquals(Long.parseLong(step.group(3)), config.num(), "config number after " + where);
        assertEquals(ints(step.group(4), " "), config.shards(), "shards after " + where);
        commands++;
      }
    }
    assertEquals(1200, commands, "commands in " + RESOURCE);
  }

  private static CommandRequest request(String op, String args) {
    CommandRequest.Builder request = CommandRequest.newBuilder();
    switch (op) {
      case "join" -> {
        request.setOp(Op.JOIN);
        for (int gid : ints(args, ",")) {
          List<String> servers = List.of("g" + gid + "-a:1", "g" + gid + "-b:1");
          request.putServers(gid, Servers.newBuilder().addAllServers(servers).build());
        }
      }
      case "leave" -> request.setOp(Op.LEAVE).addAllGids(ints(args, ","));
      default -> {
        List<Integer> shardAndGid = ints(args, " ");
        request.setOp(Op.MOVE).setShard(shardAndGid.get(0)).setGid(shardAndGid.get(1));
      }
    }
    return request.build();
  }

  private static List<Integer> ints(String list, String separator) {
    List<Integer> ints = new ArrayList<>();
    for (String value : list.split(separator)) {
      ints.add(Integer.parseInt(value));
    }
    return ints;
  }
}
