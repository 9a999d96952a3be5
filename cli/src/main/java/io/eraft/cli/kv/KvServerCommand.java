package io.eraft.cli.kv;

import io.eraft.cli.ByteSizeConverter;
import io.eraft.cli.Cli;
import io.eraft.cli.DurationConverter;
import io.eraft.cli.RaftOptions;
import io.eraft.cli.ReplicaLauncher;
import io.eraft.cli.ServerOptions;
import io.eraft.cli.SiblingFlags;
import io.eraft.cli.Usage;
import io.eraft.kvraft.server.KvReplica;
import io.eraft.kvraft.server.KvServerOptions;
import io.eraft.raft.RaftConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kvserver}: one replica of a kvraft cluster (eRaft's {@code cmd/kvserver}). Takes eRaft's
 * flags ({@code -id}, {@code -addrs}, {@code -db}, Go style or with two dashes), prints eRaft's
 * {@code Server <id> starting at <addr>} once it serves, and runs until SIGTERM/SIGINT, when it
 * stops Raft and closes its stores. Unlike eRaft, each node defaults to its own data directory,
 * and every startup problem is one line on stderr and a non-zero exit.
 */
@Command(name = "kvserver", sortOptions = false, usageHelpAutoWidth = true,
    defaultValueProvider = KvServerCommand.Defaults.class,
    description = "Runs one replica of a kvraft cluster: Raft and kvraftpb.KVService on one gRPC port.%n"
        + "Flags may be written Go style (-id 0, -id=0) or with two dashes (--id 0).",
    footer = {"", ReplicaLauncher.EXIT_STATUS,
        "", "Example (three nodes on one machine):",
        "  kvserver -id 0 &  kvserver -id 1 &  kvserver -id 2 &",
        "  kvclient put greeting hello"})
public final class KvServerCommand implements Callable<Integer>, SiblingFlags {
  /** eRaft's default address list, shared by {@code kvserver} and {@code kvclient}. */
  public static final String DEFAULT_ADDRS = "localhost:5001,localhost:5002,localhost:5003";

  @Spec CommandSpec spec;

  @Option(names = {"-id", "--id"}, defaultValue = "0", paramLabel = "<id>",
      description = "This server's position in -addrs, from 0 (default: ${DEFAULT-VALUE}).")
  int id;

  @Option(names = {"-addrs", "--addrs"}, defaultValue = DEFAULT_ADDRS, paramLabel = "<host:port,...>",
      description = "Every server's address, comma-separated; a server's id is its position"
          + " (default: ${DEFAULT-VALUE}).")
  String addrs;

  @Option(names = {"-db", "--db"}, paramLabel = "<dir>",
      description = "Data directory: Raft log, state machine, snapshot staging (default: data/kvserver-<id>).")
  Path db;

  @Mixin RaftOptions raft;

  @Option(names = "--max-value-bytes", converter = ByteSizeConverter.class, paramLabel = "<size>",
      description = "Largest value a Put or Append may carry; larger ones are refused with ErrValueTooLarge"
          + " (default: ${DEFAULT-VALUE}).")
  long maxValueBytes;

  @Option(names = "--max-key-bytes", converter = ByteSizeConverter.class, paramLabel = "<size>",
      description = "Largest key a request may name; larger ones are refused with ErrBadRequest"
          + " (default: ${DEFAULT-VALUE}).")
  long maxKeyBytes;

  @Mixin ServerOptions server;

  public static void main(String[] args) {
    Cli.main(new KvServerCommand(), args);
  }

  @Override
  public List<SiblingFlag> siblingFlags() {
    return List.of(new SiblingFlag("cluster", "shardctrler", "addrs", "the servers' addresses"));
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    ReplicaLauncher.Identity identity = new ReplicaLauncher.Identity("kvserver", 0, id);
    server.configureLogging(identity);
    List<String> addresses = ReplicaLauncher.addresses(spec, "-addrs", addrs, id);
    RaftConfig config = ReplicaLauncher.raftConfig(spec, raft, id, addresses,
        db != null ? db : Path.of("data", "kvserver-" + id));
    KvServerOptions options = Usage.check(spec, () -> KvServerOptions.DEFAULTS
        .withMaxValueBytes(ByteSizeConverter.belowTwoGiB("--max-value-bytes", maxValueBytes))
        .withMaxKeyBytes(ByteSizeConverter.belowTwoGiB("--max-key-bytes", maxKeyBytes))
        .withExecuteTimeout(server.executeTimeout()));
    return ReplicaLauncher.serve(spec, server, identity, addresses.get(id),
        registry -> KvReplica.start(config, addresses, options, registry),
        "Server " + id + " starting at " + addresses.get(id));
  }

  /** Defaults of the Raft flags (from {@code RaftConfig}) and of the KV limits (from {@code KvServerOptions}). */
  public static final class Defaults extends RaftOptions.Defaults {
    public Defaults() {
      super(Map.of(
          "--max-value-bytes", ByteSizeConverter.format(KvServerOptions.DEFAULTS.maxValueBytes()),
          "--max-key-bytes", ByteSizeConverter.format(KvServerOptions.DEFAULTS.maxKeyBytes()),
          "--execute-timeout", DurationConverter.format(KvServerOptions.DEFAULTS.executeTimeout())));
    }
  }
}
