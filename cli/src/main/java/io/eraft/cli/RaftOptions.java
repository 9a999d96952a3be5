package io.eraft.cli;

import io.eraft.raft.RaftConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The Raft timing and snapshot flags every server binary takes (a picocli mixin). Each flag sets
 * the {@link RaftConfig} field of the same name; defaults are {@link RaftConfig}'s own, shown in
 * {@code --help} through {@link Defaults}, so they are written down in one place.
 */
public final class RaftOptions {
  @Option(names = "--tick-interval", converter = DurationConverter.class, paramLabel = "<duration>",
      description = "Raft's clock resolution; timeouts are rounded to whole ticks (default: ${DEFAULT-VALUE}).")
  Duration tickInterval;

  @Option(names = "--heartbeat-interval", converter = DurationConverter.class, paramLabel = "<duration>",
      description = "How often a leader heartbeats (default: ${DEFAULT-VALUE}).")
  Duration heartbeatInterval;

  @Option(names = "--election-timeout", converter = DurationConverter.class, paramLabel = "<duration>",
      description = "Base election timeout T; each wait is drawn from [T, 2T). At least twice the heartbeat"
          + " interval (default: ${DEFAULT-VALUE}).")
  Duration electionTimeout;

  @Option(names = "--snapshot-threshold", converter = ByteSizeConverter.class, paramLabel = "<size>",
      description = "Compact the log once this many entry bytes were applied since the last compaction; bounds"
          + " log size and restart time (default: ${DEFAULT-VALUE}).")
  long snapshotThresholdBytes;

  @Option(names = "--compaction-retain-entries", paramLabel = "<entries>",
      description = "Entries kept behind the compaction point, so a briefly lagging follower catches up from the"
          + " log rather than a snapshot (default: ${DEFAULT-VALUE}).")
  long compactionRetainEntries;

  @Option(names = "--max-bytes-per-message", converter = ByteSizeConverter.class, paramLabel = "<size>",
      description = "Most entry bytes in one AppendEntries message (default: ${DEFAULT-VALUE}).")
  long maxBytesPerMessage;

  /** Sets every field this mixin controls on {@code builder}. */
  public RaftConfig.Builder applyTo(RaftConfig.Builder builder) {
    return builder
        .tickInterval(tickInterval)
        .heartbeatInterval(heartbeatInterval)
        .electionTimeout(electionTimeout)
        .snapshotThresholdBytes(snapshotThresholdBytes)
        .compactionRetainEntries(compactionRetainEntries)
        .maxBytesPerMessage(maxBytesPerMessage);
  }

  /**
   * Default values of the Raft flags, read off a {@link RaftConfig} built with no settings; a
   * command adds its own flags' defaults with {@link #with}.
   */
  public static class Defaults implements IDefaultValueProvider {
    private static final RaftConfig RAFT =
        RaftConfig.builder().id(0).peers(List.of(0L)).dataDir(Path.of("unused")).build();
    private static final Map<String, String> RAFT_DEFAULTS = Map.of(
        "--tick-interval", DurationConverter.format(RAFT.tickInterval()),
        "--heartbeat-interval", DurationConverter.format(RAFT.heartbeatInterval()),
        "--election-timeout", DurationConverter.format(RAFT.electionTimeout()),
        "--snapshot-threshold", ByteSizeConverter.format(RAFT.snapshotThresholdBytes()),
        "--compaction-retain-entries", Long.toString(RAFT.compactionRetainEntries()),
        "--max-bytes-per-message", ByteSizeConverter.format(RAFT.maxBytesPerMessage()));

    private final Map<String, String> others;

    public Defaults() {
      this(Map.of());
    }

    protected Defaults(Map<String, String> others) {
      this.others = others;
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
      if (!(argSpec instanceof OptionSpec option)) {
        return null;
      }
      String name = option.longestName();
      return RAFT_DEFAULTS.containsKey(name) ? RAFT_DEFAULTS.get(name) : others.get(name);
    }
  }
}
