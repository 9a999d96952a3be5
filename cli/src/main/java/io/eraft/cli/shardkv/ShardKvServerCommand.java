package io.eraft.cli.shardkv;

import io.eraft.cli.ByteSizeConverter;
import io.eraft.cli.Cli;
import io.eraft.cli.DurationConverter;
import io.eraft.cli.RaftOptions;
import io.eraft.cli.ReplicaLauncher;
import io.eraft.cli.ServerOptions;
import io.eraft.cli.SiblingFlags;
import io.eraft.cli.Usage;
import io.eraft.cli.ctrler.ShardCtrlerCommand;
import io.eraft.raft.RaftConfig;
import io.eraft.raft.server.GroupAddresses;
import io.eraft.shardkv.server.ShardKvReplica;
import io.eraft.shardkv.server.ShardKvServerOptions;
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
 * {@code shardkvserver}: one replica of a ShardKV replica group (eRaft's {@code cmd/shardkvserver}).
 * Takes eRaft's flags ({@code -id}, {@code -gid}, {@code -cluster}, {@code -ctrlers}, {@code -db}, Go
 * style or with two dashes), prints eRaft's {@code ShardKV group <gid> node <id> listening on <addr>}
 * once it serves, and runs until SIGTERM/SIGINT. Unlike eRaft, {@code -gid} must be given and
 * positive (eRaft's default 0 is the "no group" gid), {@code -db} is the node's directory as given
 * (eRaft appends {@code _<gid>_<id>}), and each node defaults to its own.
 */
@Command(name = "shardkvserver", sortOptions = false, usageHelpAutoWidth = true,
    defaultValueProvider = ShardKvServerCommand.Defaults.class,
    description = "Runs one replica of a ShardKV group: Raft and shardkvpb.ShardKVService on one gRPC port.%n"
        + "Flags may be written Go style (-id 0, -id=0) or with two dashes (--id 0).",
    footer = {"", ReplicaLauncher.EXIT_STATUS,
        "", "Example (group 100, three nodes on one machine, controllers on their default addresses):",
        "  for i in 0 1 2; do shardkvserver -gid 100 -id $i & done",
        "  shardctl join 100=127.0.0.1:6001,127.0.0.1:6002,127.0.0.1:6003",
        "  shardkv put greeting hello"})
public final class ShardKvServerCommand implements Callable<Integer>, SiblingFlags {
  /** eRaft's default group addresses. */
  public static final String DEFAULT_CLUSTER = "127.0.0.1:6001,127.0.0.1:6002,127.0.0.1:6003";

  @Spec CommandSpec spec;

  @Option(names = {"-id", "--id"}, defaultValue = "0", paramLabel = "<id>",
      description = "This server's position in -cluster, from 0 (default: ${DEFAULT-VALUE}).")
  int id;

  @Option(names = {"-gid", "--gid"}, required = true, paramLabel = "<gid>",
      description = "This server's replica group, a positive number; the group is joined under it with"
          + " 'shardctl join <gid>=<-cluster>'.")
  int gid;

  @Option(names = {"-cluster", "--cluster"}, defaultValue = DEFAULT_CLUSTER, paramLabel = "<host:port,...>",
      description = "Every server of this group, comma-separated; a server's id is its position. Join the group"
          + " with exactly these addresses: other groups pull shards from them (default: ${DEFAULT-VALUE}).")
  String cluster;

  @Option(names = {"-ctrlers", "--ctrlers"}, defaultValue = ShardCtrlerCommand.DEFAULT_CLUSTER,
      paramLabel = "<host:port,...>",
      description = "The controllers' addresses, comma-separated (default: ${DEFAULT-VALUE}).")
  String ctrlers;

  @Option(names = {"-db", "--db"}, paramLabel = "<dir>",
      description = "Data directory: Raft log, shards, snapshot staging (default: data/shardkv-<gid>-<id>).")
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

  @Option(names = "--migration-page", converter = ByteSizeConverter.class, paramLabel = "<size>",
      description = "About how much shard data one pull between groups moves (default: ${DEFAULT-VALUE}).")
  long pageBytes;

  @Mixin ServerOptions server;

  public static void main(String[] args) {
    Cli.main(new ShardKvServerCommand(), args);
  }

  @Override
  public List<SiblingFlag> siblingFlags() {
    return List.of(new SiblingFlag("addrs", "kvserver", "cluster", "this group's addresses"));
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    ReplicaLauncher.Identity identity = new ReplicaLauncher.Identity("shardkv", gid, id);
    server.configureLogging(identity);
    if (gid <= 0) {
      throw Usage.error(spec, "-gid must be positive, got " + gid + " (gid 0 means \"no group\": a group under it"
          + " could never own a shard)");
    }
    List<String> addresses = ReplicaLauncher.addresses(spec, "-cluster", cluster, id);
    List<String> ctrlerAddresses = Usage.check(spec, () -> GroupAddresses.parse("-ctrlers", ctrlers));
    RaftConfig config = ReplicaLauncher.raftConfig(spec, raft, id, addresses,
        db != null ? db : Path.of("data", "shardkv-" + gid + "-" + id));
    ShardKvServerOptions options = Usage.check(spec, () -> ShardKvServerOptions.DEFAULTS
        .withMaxValueBytes(ByteSizeConverter.belowTwoGiB("--max-value-bytes", maxValueBytes))
        .withMaxKeyBytes(ByteSizeConverter.belowTwoGiB("--max-key-bytes", maxKeyBytes))
        .withPageBytes(ByteSizeConverter.belowTwoGiB("--migration-page", pageBytes))
        .withExecuteTimeout(server.executeTimeout()));
    return ReplicaLauncher.serve(spec, server, identity, addresses.get(id),
        registry -> ShardKvReplica.start(config, gid, addresses, ctrlerAddresses, options, registry),
        "ShardKV group " + gid + " node " + id + " listening on " + addresses.get(id));
  }

  /** Defaults of the Raft flags (from {@code RaftConfig}) and of the limits (from {@code ShardKvServerOptions}). */
  public static final class Defaults extends RaftOptions.Defaults {
    public Defaults() {
      super(Map.of(
          "--max-value-bytes", ByteSizeConverter.format(ShardKvServerOptions.DEFAULTS.maxValueBytes()),
          "--max-key-bytes", ByteSizeConverter.format(ShardKvServerOptions.DEFAULTS.maxKeyBytes()),
          "--migration-page", ByteSizeConverter.format(ShardKvServerOptions.DEFAULTS.pageBytes()),
          "--execute-timeout", DurationConverter.format(ShardKvServerOptions.DEFAULTS.executeTimeout())));
    }
  }
}
