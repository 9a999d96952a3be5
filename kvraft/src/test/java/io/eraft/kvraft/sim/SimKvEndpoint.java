package io.eraft.kvraft.sim;

import io.eraft.kvraft.client.KvEndpoint;
import io.eraft.kvraft.server.KvServer;
import io.eraft.proto.kvraftpb.CommandRequest;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.proto.kvraftpb.GetStatusResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One labrpc end from a clerk to one KV server on a {@link SimClientNetwork}: the {@link KvEndpoint}
 * a {@code KvClient} uses in simulated tests. It calls the {@link KvServer} in this JVM, with the
 * network's delays, losses and failures. Starts disabled (labrpc's {@code MakeEnd}). Thread-safe.
 */
public final class SimKvEndpoint implements KvEndpoint {
  private final SimClientNetwork network;
  private final int server;
  /** Guarded by the network's lock. */
  boolean enabled;

  SimKvEndpoint(SimClientNetwork network, int server) {
    this.network = network;
    this.server = server;
  }

  /** The index of the server this end leads to. */
  public int server() {
    return server;
  }

  /** labrpc's {@code Enable}: a disabled end fails every call after a short delay. */
  public void setEnabled(boolean enabled) {
    network.enable(this, enabled);
  }

  @Override
  public CompletableFuture<CommandResponse> command(CommandRequest request, Duration timeout) {
    return network.call(this, kv -> kv.command(request).thenApply(reply -> {
      if (!network.replyFilter().deliver(server, request, reply)) {
        throw new SimClientNetwork.SimCallFailure("the test lost the reply of server " + server);
      }
      return reply;
    }), timeout);
  }

  @Override
  public CompletableFuture<GetStatusResponse> status(Duration timeout) {
    return network.call(this, kv -> CompletableFuture.completedFuture(kv.status()), timeout);
  }

  @Override
  public String toString() {
    return "SimKvEndpoint[server " + server + "]";
  }
}
