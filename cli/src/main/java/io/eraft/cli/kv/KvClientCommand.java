package io.eraft.cli.kv;

import io.eraft.cli.Cli;
import io.eraft.cli.ClientFlags;
import io.eraft.cli.DurationConverter;
import io.eraft.cli.ExitCode;
import io.eraft.cli.OutputFormat;
import io.eraft.cli.SiblingFlags;
import io.eraft.cli.StatusTable;
import io.eraft.cli.Traced;
import io.eraft.cli.logs.Logging;
import io.eraft.kvraft.client.Clerk;
import io.eraft.kvraft.client.KvClient;
import io.eraft.raft.client.NodeStatus;
import io.eraft.raft.client.RetryPolicy;
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
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code kvclient}: eRaft's {@code cmd/kvclient} ({@code -op get|put|append|status -key K -value V},
 * with its exact output), the same operations as subcommands ({@code kvclient put K V}), and the
 * load generator {@code kvclient bench}. Unlike eRaft, a request gives up after {@code --timeout}
 * with one line on stderr and a non-zero exit instead of retrying forever, and a bad operation is
 * a usage error. Any one server's address will do: the client follows the leader a server names.
 * picocli fills and runs it on one thread.
 */
@Command(name = "kvclient", sortOptions = false, usageHelpAutoWidth = true,
    subcommands = {KvClientCommand.Get.class, KvClientCommand.Put.class, KvClientCommand.Append.class,
        KvClientCommand.Status.class, KvBench.class},
    description = "Reads and writes a kvraft cluster.%n"
        + "eRaft form: kvclient [-addrs A] -op get|put|append|status [-key K] [-value V]%n"
        + "Flags may be written Go style (-op get, -op=get) or with two dashes (--op get).",
    footer = {"", "Output: Get(K) -> V | Put(K, V) success | Append(K, V) success | the status table;"
        + " with --output json one JSON document per command, e.g. {\"op\":\"get\",\"key\":\"K\",\"value\":\"V\","
        + "\"found\":true} (found is false, and value empty, for a key never written).",
        "A value that starts with '-' goes after '--': kvclient put K -- -V",
        "Exit status: 0 on success; 1 if the cluster did not answer within --timeout or refused the request;"
            + " 2 for a usage error."})
public final class KvClientCommand implements Callable<Integer>, SiblingFlags, Traced {
  @Spec CommandSpec spec;

  @Option(names = {"-addrs", "--addrs"}, scope = ScopeType.INHERIT, defaultValue = KvServerCommand.DEFAULT_ADDRS,
      paramLabel = "<host:port,...>", description = "The cluster's servers, comma-separated; any one reachable"
          + " server will do, the leader is found from it (default: ${DEFAULT-VALUE}).")
  String addrs;

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

  @Option(names = {"-op", "--op"}, defaultValue = "get", paramLabel = "<op>",
      description = "eRaft form: get, put, append or status (default: ${DEFAULT-VALUE}).")
  String op;

  @Option(names = {"-key", "--key"}, paramLabel = "<key>", description = "eRaft form: the key of get, put, append.")
  String key;

  @Option(names = {"-value", "--value"}, paramLabel = "<value>", description = "eRaft form: the value of put, append.")
  String value;

  @Option(names = {"-h", "-help", "--help"}, usageHelp = true, scope = ScopeType.INHERIT,
      description = "Show this help and exit.")
  boolean help;

  public static void main(String[] args) {
    Cli.main(new KvClientCommand(), args);
  }

  @Override
  public boolean traced() {
    return trace;
  }

  @Override
  public List<SiblingFlag> siblingFlags() {
    return List.of(new SiblingFlag("cluster", "shardctl", "addrs", "the servers' addresses"));
  }

  @Override
  public Integer call() {
    return switch (op) {
      case "get" -> get(required("-key", key));
      case "put" -> put(required("-key", key), required("-value", value));
      case "append" -> append(required("-key", key), required("-value", value));
      case "status" -> status();
      default -> throw new ParameterException(spec.commandLine(),
          "unknown -op '" + op + "': use get, put, append or status");
    };
  }

  private String required(String flag, String given) {
    if (given == null) {
      throw new ParameterException(spec.commandLine(), "-op " + op + " needs " + flag);
    }
    return given;
  }

  int get(String k) {
    Optional<String> v = withClerk(clerk -> clerk.find(k));
    out().print(KvReport.get(output, k, v));
    return ExitCode.OK;
  }

  int put(String k, String v) {
    return update("Put", k, v, clerk -> clerk.put(k, v));
  }

  int append(String k, String v) {
    return update("Append", k, v, clerk -> clerk.append(k, v));
  }

  /** Runs a Put or an Append and prints its success. */
  private int update(String op, String k, String v, Consumer<Clerk> write) {
    withClerk(clerk -> {
      write.accept(clerk);
      return null;
    });
    out().print(KvReport.update(output, op, k, v));
    return ExitCode.OK;
  }

  int status() {
    List<NodeStatus> rows;
    try (KvClient client = connect()) {
      rows = client.status(timeout);
    }
    out().print(output == OutputFormat.JSON ? StatusTable.json(rows) : StatusTable.render(rows));
    out().flush();
    StatusTable.requireAnyOnline(rows, "-addrs");
    return ExitCode.OK;
  }

  /** Sets up logging and connects to -addrs; the caller closes the client. */
  KvClient connect() {
    Logging.configure(logLevel);
    List<String> addresses = ClientFlags.addresses(spec, "-addrs", addrs);
    return KvClient.connect(addresses, RetryPolicy.DEFAULT, ClientFlags.timeout(spec, timeout));
  }

  private <T> T withClerk(Function<Clerk, T> request) {
    try (KvClient client = connect()) {
      return request.apply(client.newClerk());
    }
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  @Command(name = "get", description = "Prints Get(KEY) -> VALUE (an absent key reads as empty; in JSON,"
      + " \"found\":false).")
  static final class Get implements Callable<Integer> {
    @ParentCommand KvClientCommand parent;

    @Parameters(paramLabel = "KEY")
    String key;

    @Override
    public Integer call() {
      return parent.get(key);
    }
  }

  /** The arguments of put and append (picocli reads the annotated fields of a superclass too). */
  abstract static class KeyValueCommand implements Callable<Integer> {
    @ParentCommand KvClientCommand parent;

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE")
    String value;
  }

  @Command(name = "put", description = "Sets KEY to VALUE; prints Put(KEY, VALUE) success.")
  static final class Put extends KeyValueCommand {
    @Override
    public Integer call() {
      return parent.put(key, value);
    }
  }

  @Command(name = "append", description = "Appends VALUE to KEY's value; prints Append(KEY, VALUE) success.")
  static final class Append extends KeyValueCommand {
    @Override
    public Integer call() {
      return parent.append(key, value);
    }
  }

  @Command(name = "status", description = "Prints every server's id, address, role, term, applied and commit"
      + " index and storage bytes; Offline for a server that did not answer within --timeout.")
  static final class Status implements Callable<Integer> {
    @ParentCommand KvClientCommand parent;

    @Override
    public Integer call() {
      return parent.status();
    }
  }
}
