package io.eraft.raft.rpc;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** Receives the answer of a unary gRPC call made with an async stub into a {@link CompletableFuture}. */
public final class FutureObserver<T> implements StreamObserver<T> {
  private final CompletableFuture<T> future = new CompletableFuture<>();

  public CompletableFuture<T> future() {
    return future;
  }

  @Override
  public void onNext(T value) {
    future.complete(value);
  }

  @Override
  public void onError(Throwable t) {
    future.completeExceptionally(t);
  }

  @Override
  public void onCompleted() {
    if (!future.isDone()) {
      future.completeExceptionally(new IllegalStateException("the call completed without an answer"));
    }
  }
}
