package io.eraft.raft.transport;

import io.eraft.proto.raftpb.GroupQueryRequest;
import io.eraft.proto.raftpb.RaftServiceGrpc;
import io.eraft.raft.core.GroupQuery;
import io.eraft.raft.core.HardState;
import io.eraft.raft.rpc.GroupService;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Asks a group's other nodes once, before a replica opens its stores, which cluster they belong
 * to: one {@link GroupQuery} each, in parallel, within a deadline. Peers that do not answer in
 * time, hold nothing of the group or do not know its id are left out.
 */
public final class PeerClusterIds {
  /** A peer that holds the group and named its cluster id. */
  public record Answer(long node, String address, long clusterId) {}

  private PeerClusterIds() {}

  public static List<Answer> ask(long self, Map<Long, String> peers, Duration deadline) {
    Map<Long, ManagedChannel> channels = new LinkedHashMap<>();
    List<CompletableFuture<Answer>> answers = new ArrayList<>();
    try {
      for (Map.Entry<Long, String> peer : peers.entrySet()) {
        if (peer.getKey() == self) {
          continue;
        }
        ManagedChannel channel = NettyChannelBuilder.forTarget(peer.getValue()).usePlaintext().directExecutor()
            .disableRetry().build();
        channels.put(peer.getKey(), channel);
        answers.add(ask(channel, self, peer.getKey(), peer.getValue(), deadline));
      }
      List<Answer> named = new ArrayList<>();
      for (CompletableFuture<Answer> answer : answers) {
        Answer a = answer.join();
        if (a != null) {
          named.add(a);
        }
      }
      return named;
    } finally {
      channels.values().forEach(ManagedChannel::shutdownNow);
    }
  }

  private static CompletableFuture<Answer> ask(ManagedChannel channel, long self, long peer, String address,
      Duration deadline) {
    GroupQueryRequest query = MessageCodec.encode(new GroupQuery(self, peer, 0, 0));
    return GroupService.call(channel, RaftServiceGrpc.getQueryGroupMethod(), query, deadline).handle((r, error) -> {
      // Down, unreachable or slow (an error) tells us nothing now; neither does a peer without the group or its id.
      boolean named = error == null && r.getGroupExists() && r.getClusterId() != HardState.NO_CLUSTER;
      return named ? new Answer(peer, address, r.getClusterId()) : null;
    });
  }
}
