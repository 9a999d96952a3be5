package io.eraft.cli.shardkv;

import io.eraft.cli.Cli;
import io.eraft.cli.ClientFlags;
import io.eraft.cli.DurationConverter;
import io.eraft.cli.ExitCode;
import io.eraft.cli.OutputFormat;
import io.eraft.cli.SiblingFlags;
import io.eraft.cli.StatusTable;
import io.eraft.cli.Traced;
import io.eraft.cli.Usage;
import io.eraft.cli.ctrler.ShardCtrlerCommand;
import io.eraft.cli.json.Json;
import io.eraft.cli.logs.Logging;
import io.eraft.raft.client.NodeStatus;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.shardkv.client.ShardKvClerk;
import io.eraft.shardkv.client.ShardKvClient;
import io.eraft.shardkv.client.ShardKvNodeStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code shardkv} (alias {@code shardkvclient}): eRaft's {@code cmd/shardkvclient} — {@code get},
 * {@code put}, {@code append}, {@code status}, {@code bench} with its output — plus
 * {@code --output json}. Unlike eRaft, the arguments are checked before any controller is
 * contacted (eRaft queries the controllers first, and hangs even for its usage text when they are
 * down), and a request gives up after {@code --timeout} instead of retrying forever. picocli fills
 * and runs it on one thread.
 */
@Command(name = "shardkv", sortOptions = false, usageHelpAutoWidth = true,
    subcommands = {ShardKvClientCommand.Get.class, ShardKvClientCommand.Put.class, ShardKvClientCommand.Append.class,
        ShardKvClientCommand.Status.class, ShardKvBench.class},
    description = "Reads and writes the sharded KV store: keys are routed to the group that serves their shard.%n"
        + "Flags may be written Go style (-ctrlers A) or with two dashes (--ctrlers A).",
    footer = {"", "Output: the value (an empty line for a key never written) | Put OK | Append OK | the status table;"
        + " with --output json one JSON document per command, e.g. {\"op\":\"get\",\"key\":\"K\",\"value\":\"V\","
        + "\"found\":true}.",
        "A value that starts with '-' goes after '--': shardkv put K -- -V",
        "Exit status: 0 on success; 1 if the system did not answer within --timeout or refused the request;"
            + " 2 for a usage error."})
public final class ShardKvClientCommand implements Callable<Integer>, SiblingFlags, Traced {
  @Spec CommandSpec spec;

  @Option(names = {"-ctrlers", "--ctrlers"}, scope = ScopeType.INHERIT,
      defaultValue = ShardCtrlerCommand.DEFAULT_CLUSTER, paramLabel = "<host:port,...>",
      description = "The controllers' addresses, comma-separated; any one reachable controller will do"
          + " (default: ${DEFAULT-VALUE}).")
  String ctrlers;

  @Option(names = "--timeout", scope = ScopeType.INHERIT, defaultValue = "5s", converter = DurationConverter.class,
      paramLabel = "<duration>",
      description = "Give up on a request (all retries included) after this long (default: ${DEFAULT-VALUE}).")
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
    Cli.main(new ShardKvClientCommand(), args);
  }

  @Override
  public boolean traced() {
    return trace;
  }

  @Override
  public List<SiblingFlag> siblingFlags() {
    return List.of(new SiblingFlag("cluster", "shardctl", "ctrlers", "the controllers' addresses"),
        new SiblingFlag("addrs", "kvclient", "ctrlers", "the controllers' addresses"));
  }

  @Override
  public Integer call() {
    throw Usage.error(spec, "a command is required: get, put, append, status or bench");
  }

  int get(String key) {
    Optional<String> value = withClerk(clerk -> clerk.find(key));
    out().print(output == OutputFormat.TEXT ? value.orElse("") + "\n"
        : Json.object().field("op", "get").field("key", key).field("value", value.orElse(""))
            .field("found", value.isPresent()) + "\n");
    return ExitCode.OK;
  }

  int update(String op, String key, Consumer<ShardKvClerk> write) {
    withClerk(clerk -> {
      write.accept(clerk);
      return null;
    });
    out().print(output == OutputFormat.TEXT ? op + " OK\n"
        : Json.object().field("op", op.toLowerCase(java.util.Locale.ROOT)).field("key", key).field("ok", true)
            + "\n");
    return ExitCode.OK;
  }

  int status() {
    List<ShardKvNodeStatus> rows;
    try (ShardKvClient client = connect()) {
      rows = client.status(timeout);
    }
    out().print(output == OutputFormat.JSON ? ShardKvStatusTable.json(rows) : ShardKvStatusTable.render(rows));
    out().flush();
    List<NodeStatus> nodes = rows.stream().map(ShardKvNodeStatus::node).toList();
    if (!nodes.isEmpty()) {
      StatusTable.requireAnyOnline(nodes, "shardctl query");
    }
    return ExitCode.OK;
  }

  /** Sets up logging and connects to -ctrlers; the caller closes the client. */
  ShardKvClient connect() {
    Logging.configure(logLevel);
    List<String> addresses = ClientFlags.addresses(spec, "-ctrlers", ctrlers);
    return ShardKvClient.connect(addresses, RetryPolicy.DEFAULT, ClientFlags.timeout(spec, timeout));
  }

  private <T> T withClerk(Function<ShardKvClerk, T> request) {
    try (ShardKvClient client = connect()) {
      return request.apply(client.newClerk());
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  @Command(name = "get", description = "Prints KEY's value (an empty line for a key never written; in JSON,"
      + " \"found\":false).")
  static final class Get implements Callable<Integer> {
    @ParentCommand ShardKvClientCommand parent;

    @Parameters(paramLabel = "KEY")
    String key;

    @Override
    public Integer call() {
      return parent.get(key);
    }
  }

  /** The arguments of put and append (picocli reads the annotated fields of a superclass too). */
  abstract static class KeyValueCommand implements Callable<Integer> {
    @ParentCommand ShardKvClientCommand parent;

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE")
    String value;
  }

  @Command(name = "put", description = "Sets KEY to VALUE; prints Put OK.")
  static final class Put extends KeyValueCommand {
    @Override
    public Integer call() {
      return parent.update("Put", key, clerk -> clerk.put(key, value));
    }
  }

  @Command(name = "append", description = "Appends VALUE to KEY's value; prints Append OK.")
  static final class Append extends KeyValueCommand {
    @Override
    public Integer call() {
      return parent.update("Append", key, clerk -> clerk.append(key, value));
    }
  }

  @Command(name = "status", description = "Prints every server of every group in the latest configuration: role,"
      + " term, applied and commit index, storage bytes, and the shards whose data it holds (status, keys,"
      + " bytes); Offline for a server that did not answer within --timeout.")
  static final class Status implements Callable<Integer> {
    @ParentCommand ShardKvClientCommand parent;

    @Override
    public Integer call() {
      return parent.status();
    }
  }
}
