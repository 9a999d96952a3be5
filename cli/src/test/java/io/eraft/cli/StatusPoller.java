package io.eraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches a Raft group through a client binary's {@code status} table (kvclient, shardctl): checks
 * every line against eRaft's format, and waits (a liveness guard) for a state of the group.
 */
public final class StatusPoller {
  public static final String HEADER =
      "ID    Address                   Role            Term       Applied    Commit          Storage(B)     ";
  private static final Pattern ROW = Pattern.compile(
      "(\\d+) +(\\S+) +(Leader|Follower|Candidate|PreCandidate|Catching up|Joining|Offline) +(\\d+|-) +(\\d+|-)"
          + " +(\\d+|-) +(\\d+|-) *");
  private static final Duration WAIT_LIMIT = Duration.ofSeconds(90);

  /** Runs the client's status command once. */
  @FunctionalInterface
  public interface StatusCommand {
    Binaries.Result run() throws Exception;
  }

  /** One row of the table; the numbers are "-" for an Offline server. */
  public record Row(int id, String address, String role, String term, String applied, String commit) {}

  private final StatusCommand command;
  private final int servers;

  public StatusPoller(StatusCommand command, int servers) {
    this.command = command;
    this.servers = servers;
  }

  /** Runs the status command, checks its exit status, header and rule; returns every line. */
  public List<String> lines() throws Exception {
    Binaries.Result r = command.run();
    assertEquals(ExitCode.OK, r.exit(), r.toString());
    List<String> lines = r.stdout().lines().toList();
    assertEquals(HEADER, lines.get(0));
    assertEquals("-".repeat(100), lines.get(1));
    assertEquals(2 + servers, lines.size(), r.toString());
    return lines;
  }

  /** The rows of {@code lines}, each checked to be padded exactly as eRaft pads it. */
  public static List<Row> rows(List<String> lines) {
    List<Row> rows = new ArrayList<>();
    for (String line : lines.subList(2, lines.size())) {
      Matcher m = ROW.matcher(line);
      if (!m.matches()) {
        fail("status row does not match eRaft's format: '" + line + "'");
      }
      Row row = new Row(Integer.parseInt(m.group(1)), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6));
      String rendered = row.role().equals("Offline")
          ? String.format(StatusTable.OFFLINE_ROW, row.id(), row.address(), row.role(), "-", "-", "-", "-")
          : String.format(StatusTable.ONLINE_ROW, row.id(), row.address(), row.role(), Long.parseLong(row.term()),
              Long.parseLong(row.applied()), Long.parseLong(row.commit()), Long.parseLong(m.group(7)));
      assertEquals(rendered, line, "status row padding");
      rows.add(row);
    }
    return rows;
  }

  /**
   * Polls until exactly one server other than {@code excluded} leads and every server that answers
   * votes (none is still joining or catching up); returns the leader's id.
   */
  public int awaitLeader(int excluded) throws Exception {
    int[] leader = {-1};
    await("a leader other than " + excluded + " and every server a voter", rows -> {
      List<Row> leaders = rows.stream().filter(r -> r.role().equals("Leader")).toList();
      boolean allVote = rows.stream().noneMatch(r -> r.role().equals("Catching up") || r.role().equals("Joining"));
      if (allVote && leaders.size() == 1 && leaders.get(0).id() != excluded) {
        leader[0] = leaders.get(0).id();
        return true;
      }
      return false;
    });
    return leader[0];
  }

  /** Polls until the rows satisfy {@code done}; fails with the last table after {@link #WAIT_LIMIT}. */
  public void await(String what, Predicate<List<Row>> done) throws Exception {
    long deadline = System.nanoTime() + WAIT_LIMIT.toNanos();
    List<String> last = List.of();
    while (System.nanoTime() < deadline) {
      last = lines();
      if (done.test(rows(last))) {
        return;
      }
      Thread.sleep(200);
    }
    fail("no " + what + " within " + WAIT_LIMIT.toSeconds() + " s; last status:\n" + String.join("\n", last));
  }
}
