package io.eraft.cli.ctrler;

import io.eraft.cli.Cli;
import io.eraft.cli.DurationConverter;
import io.eraft.cli.RaftOptions;
import io.eraft.cli.ReplicaLauncher;
import io.eraft.cli.ServerOptions;
import io.eraft.cli.SiblingFlags;
import io.eraft.raft.RaftConfig;
import io.eraft.shardctrler.server.CtrlerReplica;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shardctrler}: one replica of the configuration cluster (eRaft's {@code cmd/shardctrler},
 * built there as {@code shardctrlerserver}). Takes eRaft's flags ({@code -id}, {@code -cluster},
 * {@code -db}), logs eRaft's {@code ShardCtrler server <id> listening on <addr>} line (to stdout)
 * once it serves, and runs until SIGTERM/SIGINT. Unlike eRaft, {@code -db} is the node's directory
 * as given (eRaft appends {@code _<id>}), and each node defaults to its own.
 */
@Command(name = "shardctrler", sortOptions = false, usageHelpAutoWidth = true,
    defaultValueProvider = ShardCtrlerCommand.Defaults.class,
    description = "Runs one replica of the shard controller: Raft and shardctrlerpb.ShardCtrlerService on one gRPC"
        + " port.%nFlags may be written Go style (-id 0, -id=0) or with two dashes (--id 0).",
    footer = {"", ReplicaLauncher.EXIT_STATUS,
        "", "Example (three nodes on one machine):",
        "  shardctrler -id 0 &  shardctrler -id 1 &  shardctrler -id 2 &",
        "  shardctl join 100=127.0.0.1:6001,127.0.0.1:6002,127.0.0.1:6003"})
public final class ShardCtrlerCommand implements Callable<Integer>, SiblingFlags {
  /** eRaft's default controller addresses, shared by {@code shardctrler} and {@code shardctl}. */
  public static final String DEFAULT_CLUSTER = "127.0.0.1:50051,127.0.0.1:50052,127.0.0.1:50053";

  @Spec CommandSpec spec;

  @Option(names = {"-id", "--id"}, defaultValue = "0", paramLabel = "<id>",
      description = "This server's position in -cluster, from 0 (default: ${DEFAULT-VALUE}).")
  int id;

  @Option(names = {"-cluster", "--cluster"}, defaultValue = DEFAULT_CLUSTER, paramLabel = "<host:port,...>",
      description = "Every controller's address, comma-separated; a server's id is its position"
          + " (default: ${DEFAULT-VALUE}).")
  String cluster;

  @Option(names = {"-db", "--db"}, paramLabel = "<dir>",
      description = "Data directory: Raft log, config history, snapshot staging"
          + " (default: data/shardctrler-<id>).")
  Path db;

  @Mixin RaftOptions raft;

  @Mixin ServerOptions server;

  public static void main(String[] args) {
    Cli.main(new ShardCtrlerCommand(), args);
  }

  @Override
  public List<SiblingFlag> siblingFlags() {
    return List.of(new SiblingFlag("addrs", "kvserver", "cluster", "the controllers' addresses"));
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    ReplicaLauncher.Identity identity = new ReplicaLauncher.Identity("shardctrler", 0, id);
    server.configureLogging(identity);
    List<String> addresses = ReplicaLauncher.addresses(spec, "-cluster", cluster, id);
    RaftConfig config = ReplicaLauncher.raftConfig(spec, raft, id, addresses,
        db != null ? db : Path.of("data", "shardctrler-" + id));
    Duration executeTimeout = server.executeTimeout();
    return ReplicaLauncher.serve(spec, server, identity, addresses.get(id),
        registry -> CtrlerReplica.start(config, addresses, executeTimeout, registry),
        "ShardCtrler server " + id + " listening on " + addresses.get(id));
  }

  /** Defaults of the Raft flags (from {@code RaftConfig}) and of the execute timeout (eRaft's). */
  public static final class Defaults extends RaftOptions.Defaults {
    public Defaults() {
      super(Map.of("--execute-timeout", DurationConverter.format(CtrlerReplica.EXECUTE_TIMEOUT)));
    }
  }
}
