package io.eraft.shardkv.client;

import java.util.Set;

/**
 * Reaches ShardKV servers by address, with one connection per server reused by every call: gRPC
 * channels in production ({@link GrpcShardKvNetwork}), simulated ends in tests. Thread-safe.
 */
public interface ShardKvNetwork extends AutoCloseable {
  /** The endpoint of the server at {@code address}, connecting lazily (a down server is no error here). */
  ShardKvEndpoint endpoint(String address);

  /** Drops the connections to every address not in {@code wanted}: servers of groups that left. */
  void closeAllExcept(Set<String> wanted);

  @Override
  void close();
}
