package io.eraft.cli.ctrler;

import io.eraft.cli.Cli;
import io.eraft.cli.ClientFlags;
import io.eraft.cli.CommandFailure;
import io.eraft.cli.DurationConverter;
import io.eraft.cli.ExitCode;
import io.eraft.cli.OutputFormat;
import io.eraft.cli.SiblingFlags;
import io.eraft.cli.StatusTable;
import io.eraft.cli.Traced;
import io.eraft.cli.Usage;
import io.eraft.cli.json.Json;
import io.eraft.cli.logs.Logging;
import io.eraft.raft.client.ClusterUnavailableException;
import io.eraft.raft.client.NodeStatus;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.raft.server.GroupAddresses;
import io.eraft.shardctrler.client.CtrlerClerk;
import io.eraft.shardctrler.client.CtrlerClient;
import io.eraft.shardctrler.config.ShardConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code shardctl} (alias {@code shardctrlerclient}): eRaft's {@code cmd/shardctrlerclient} —
 * {@code join}, {@code leave}, {@code move}, {@code query}, {@code status} with its output — plus
 * {@code --output json} for scripts. Unlike eRaft, malformed arguments are usage errors (eRaft skips
 * them or reads them as gid 0), a command the controller refuses fails with its reason, and a
 * request gives up after {@code --timeout} instead of retrying forever. Any one server's address
 * will do: the client follows the leader a server names. picocli fills and runs it on one thread.
 */
@Command(name = "shardctl", sortOptions = false, usageHelpAutoWidth = true,
    subcommands = {ShardCtlCommand.Join.class, ShardCtlCommand.Leave.class, ShardCtlCommand.Move.class,
        ShardCtlCommand.Query.class, ShardCtlCommand.Status.class},
    description = "Administers the shard controller: which replica groups exist and which shards each serves.%n"
        + "Flags may be written Go style (-cluster A) or with two dashes (--cluster A).",
    footer = {"", "Output: Join OK | Leave OK | Move OK | the Config #N block | the status table;"
        + " with --output json one JSON document per command.",
        "Exit status: 0 on success; 1 if the controllers did not answer within --timeout or refused the command"
            + " (e.g. a join of a gid that already joined); 2 for a usage error."})
public final class ShardCtlCommand implements Callable<Integer>, SiblingFlags, Traced {
  @Spec CommandSpec spec;

  @Option(names = {"-cluster", "--cluster"}, scope = ScopeType.INHERIT,
      defaultValue = ShardCtrlerCommand.DEFAULT_CLUSTER, paramLabel = "<host:port,...>",
      description = "The controllers' addresses, comma-separated; any one reachable controller will do, the"
          + " leader is found from it (default: ${DEFAULT-VALUE}).")
  String cluster;

  @Option(names = "--timeout", scope = ScopeType.INHERIT, defaultValue = "5s", converter = DurationConverter.class,
      paramLabel = "<duration>",
      description = "Give up on a command (all retries included) after this long (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--output", scope = ScopeType.INHERIT, defaultValue = "text", paramLabel = "<format>",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Option(names = "--log-level", scope = ScopeType.INHERIT, defaultValue = "WARN", paramLabel = "<level>",
      description = "OFF, ERROR, WARN, INFO, DEBUG or TRACE; logs go to stderr (default: ${DEFAULT-VALUE}).")
  Logging.LogLevel logLevel;

  @Option(names = "--trace", scope = ScopeType.INHERIT, description = Traced.DESCRIPTION)
  boolean trace;

  @Option(names = {"-h", "-help", "--help"}, usageHelp = true, scope = ScopeType.INHERIT,
      description = "Show this help and exit.")
  boolean help;

  public static void main(String[] args) {
    Cli.main(new ShardCtlCommand(), args);
  }

  @Override
  public boolean traced() {
    return trace;
  }

  @Override
  public List<SiblingFlag> siblingFlags() {
    return List.of(new SiblingFlag("addrs", "kvclient", "cluster", "the controllers' addresses"));
  }

  @Override
  public Integer call() {
    throw Usage.error(spec, "a command is required: join, leave, move, query or status");
  }

  /**
   * Runs one change on a fresh clerk and prints eRaft's {@code <Op> OK}. A change that timed out
   * after reaching a controller may still be applied, and running it again from a new shardctl (a
   * new client) is not recognised as a retry, so the failure says how to find out.
   */
  int change(String op, Consumer<CtrlerClerk> command) {
    try (CtrlerClient client = connect()) {
      command.accept(client.newClerk());
    } catch (ClusterUnavailableException e) {
      if (!e.reachedAnyServer()) {
        throw e; // no controller took a connection, so none can have applied it
      }
      throw new CommandFailure(e.getMessage() + "; the " + op.toLowerCase(Locale.ROOT)
          + " may or may not have been applied: check with 'shardctl query' before running it again");
    }
    out().print(output == OutputFormat.JSON
        ? Json.object().field("op", op.toLowerCase(Locale.ROOT)).field("ok", true) + "\n"
        : op + " OK\n");
    return ExitCode.OK;
  }

  int query(int num) {
    ShardConfig config;
    try (CtrlerClient client = connect()) {
      config = client.newClerk().query(num);
    }
    out().print(output == OutputFormat.JSON ? ConfigReport.json(config) : ConfigReport.text(config));
    return ExitCode.OK;
  }

  int status() {
    List<NodeStatus> rows;
    try (CtrlerClient client = connect()) {
      rows = client.status(timeout);
    }
    out().print(output == OutputFormat.JSON ? StatusTable.json(rows) : StatusTable.render(rows));
    out().flush();
    StatusTable.requireAnyOnline(rows, "-cluster");
    return ExitCode.OK;
  }

  private CtrlerClient connect() {
    Logging.configure(logLevel);
    List<String> addresses = ClientFlags.addresses(spec, "-cluster", cluster);
    return CtrlerClient.connect(addresses, RetryPolicy.DEFAULT, ClientFlags.timeout(spec, timeout));
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /**
   * The groups of {@code join}'s arguments, each {@code GID=ADDR[,ADDR...]}.
   *
   * @throws IllegalArgumentException naming the malformed argument
   */
  static SortedMap<Integer, List<String>> parseGroups(List<String> args) {
    SortedMap<Integer, List<String>> groups = new TreeMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 0 || arg.indexOf('=', eq + 1) >= 0) {
        throw new IllegalArgumentException("'" + arg + "' is not GID=ADDR[,ADDR...]");
      }
      int gid;
      try {
        gid = Integer.parseInt(arg.substring(0, eq).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + arg + "' does not start with a group id (a positive integer)");
      }
      if (gid <= 0) {
        throw new IllegalArgumentException("gid " + gid + " in '" + arg + "' must be positive (0 means no group)");
      }
      List<String> servers = GroupAddresses.parse("gid " + gid, arg.substring(eq + 1));
      if (groups.put(gid, servers) != null) {
        throw new IllegalArgumentException("gid " + gid + " is given twice");
      }
    }
    return groups;
  }

  @Command(name = "join", description = "Adds replica groups, each GID=ADDR[,ADDR...] (its servers' addresses),"
      + " in one Join; shards are rebalanced onto them. Prints Join OK.")
  static final class Join implements Callable<Integer> {
    @ParentCommand ShardCtlCommand parent;
    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "GID=ADDR[,ADDR...]")
    List<String> groups;

    @Override
    public Integer call() {
      Map<Integer, List<String>> parsed = Usage.check(spec, () -> parseGroups(groups));
      return parent.change("Join", clerk -> clerk.join(parsed));
    }
  }

  @Command(name = "leave", description = "Removes replica groups in one Leave; their shards go to the others."
      + " Prints Leave OK.")
  static final class Leave implements Callable<Integer> {
    @ParentCommand ShardCtlCommand parent;

    @Parameters(arity = "1..*", paramLabel = "GID")
    List<Integer> gids;

    @Override
    public Integer call() {
      return parent.change("Leave", clerk -> clerk.leave(gids));
    }
  }

  @Command(name = "move", description = "Assigns SHARD (0-" + (ShardConfig.N_SHARDS - 1) + ") to group GID."
      + " Prints Move OK.")
  static final class Move implements Callable<Integer> {
    @ParentCommand ShardCtlCommand parent;

    @Parameters(index = "0", paramLabel = "SHARD")
    int shard;

    @Parameters(index = "1", paramLabel = "GID")
    int gid;

    @Override
    public Integer call() {
      return parent.change("Move", clerk -> clerk.move(shard, gid));
    }
  }

  @Command(name = "query", description = "Prints config NUM (the latest if NUM is -1, omitted, or past it):"
      + " its number, each shard's gid, each group's servers.")
  static final class Query implements Callable<Integer> {
    @ParentCommand ShardCtlCommand parent;

    @Parameters(arity = "0..1", defaultValue = "-1", paramLabel = "NUM")
    int num;

    @Override
    public Integer call() {
      return parent.query(num);
    }
  }

  @Command(name = "status", description = "Prints every controller's id, address, role, term, applied and commit"
      + " index and storage bytes; Offline for one that did not answer within --timeout.")
  static final class Status implements Callable<Integer> {
    @ParentCommand ShardCtlCommand parent;

    @Override
    public Integer call() {
      return parent.status();
    }
  }
}
