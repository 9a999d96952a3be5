package io.eraft.cli.ops;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The metric names each kind of server must expose (OBSERVABILITY.md §0.1), as Prometheus sees them. */
public final class RequiredMetrics {
  /** What every server exposes: Raft, disk, storage, gRPC, JVM and process, build info. */
  public static final List<String> EVERY_SERVER = List.of(
      "eraft_raft_has_leader", "eraft_raft_is_leader", "eraft_raft_term", "eraft_raft_leader_changes_seen_total",
      "eraft_raft_commit_index", "eraft_raft_applied_index", "eraft_raft_proposals_committed_total",
      "eraft_raft_proposals_pending", "eraft_raft_proposals_failed_total",
      "eraft_disk_wal_fsync_duration_seconds_bucket", "eraft_disk_wal_write_bytes_total",
      "eraft_disk_backend_commit_duration_seconds_bucket", "eraft_snapshot_install_duration_seconds_bucket",
      "eraft_storage_db_size_bytes", "eraft_storage_raft_log_size_bytes",
      "grpc_server_started_total", "grpc_server_handled_total", "grpc_server_handling_seconds_bucket",
      "grpc_server_msg_received_total", "grpc_server_msg_sent_total",
      "jvm_memory_used_bytes", "jvm_threads_live_threads", "process_cpu_usage", "process_files_open_files",
      "process_files_max_files", "process_uptime_seconds", "process_resident_memory_bytes", "eraft_build_info");

  /** What a server of a group of more than one node exposes besides: its links to its peers. */
  public static final List<String> PEER_LINKS = List.of(
      "eraft_network_peer_round_trip_time_seconds_bucket", "eraft_network_peer_sent_bytes_total",
      "eraft_network_peer_received_bytes_total", "eraft_network_peer_sent_failures_total",
      "eraft_network_snapshot_send_success_total", "eraft_network_snapshot_send_failures_total",
      "eraft_network_snapshot_send_duration_seconds_bucket");

  /** Only the leader's: its view of each follower. */
  public static final List<String> LEADER = List.of("eraft_raft_follower_match_index", "eraft_raft_follower_lag_entries");

  public static final List<String> KVSERVER = List.of("eraft_kv_requests_total");

  public static final List<String> SHARDCTRLER = List.of("eraft_shardctrler_config_num", "eraft_shardctrler_groups",
      "eraft_shardctrler_shards", "eraft_shardctrler_requests_total");

  public static final List<String> SHARDKV = List.of("eraft_shardkv_config_num", "eraft_shardkv_shards",
      "eraft_shardkv_shard_keys", "eraft_shardkv_shard_bytes", "eraft_shardkv_migrations_total",
      "eraft_shardkv_migration_bytes_total", "eraft_shardkv_migration_duration_seconds_bucket",
      "eraft_shardkv_migrations_inflight", "eraft_kv_requests_total");

  /** Every name above: what dashboards and alerts may query. */
  public static final Set<String> ALL = Stream.of(EVERY_SERVER, PEER_LINKS, LEADER, KVSERVER, SHARDCTRLER, SHARDKV)
      .flatMap(List::stream).collect(Collectors.toCollection(TreeSet::new));

  private RequiredMetrics() {}

  /** {@link #EVERY_SERVER}, then {@code more}. */
  public static List<String> everyServerAnd(List<String> more) {
    return Stream.concat(EVERY_SERVER.stream(), more.stream()).toList();
  }
}
