package io.eraft.kvraft.sim;

import io.eraft.kvraft.server.KvServer;
import io.eraft.proto.kvraftpb.CommandRequest;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.raft.rpc.GroupEndpoint;
import io.eraft.raft.rpc.ReplicaStatus;
import io.eraft.raft.sim.service.SimCallFailure;
import io.eraft.raft.sim.service.SimClientEnd;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The {@link GroupEndpoint} a {@code KvClient} uses in simulated tests: one labrpc end from a clerk to
 * one {@link KvServer} in this JVM, with the network's delays, losses and failures, plus the
 * test's {@link ReplyFilter} on command replies. Thread-safe.
 */
public final class SimKvEndpoint implements GroupEndpoint<CommandRequest, CommandResponse> {
  /** Decides whether a server's reply to a command may travel back: lets a test lose chosen replies. */
  @FunctionalInterface
  public interface ReplyFilter {
    /** Every reply may travel back. */
    ReplyFilter DELIVER_ALL = (server, request, reply) -> true;

    /** Called on the server's thread once it has answered {@code request}; false loses the reply. */
    boolean deliver(int server, CommandRequest request, CommandResponse reply);
  }

  private final SimClientEnd<KvServer> end;
  private final Supplier<ReplyFilter> filter;

  /** @param filter the filter in force when a reply is given (the cluster's, which a test may replace) */
  SimKvEndpoint(SimClientEnd<KvServer> end, Supplier<ReplyFilter> filter) {
    this.end = end;
    this.filter = filter;
  }

  @Override
  public CompletableFuture<CommandResponse> command(CommandRequest request, Duration timeout) {
    return end.call(kv -> kv.command(request).thenApply(reply -> {
      if (!filter.get().deliver(end.server(), request, reply)) {
        throw new SimCallFailure("the test lost the reply of server " + end.server());
      }
      return reply;
    }), timeout);
  }

  @Override
  public CompletableFuture<ReplicaStatus> status(Duration timeout) {
    return end.call(kv -> CompletableFuture.completedFuture(kv.status()), timeout);
  }

  @Override
  public String toString() {
    return "SimKvEndpoint[server " + end.server() + "]";
  }
}
