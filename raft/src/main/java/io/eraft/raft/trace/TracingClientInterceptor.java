package io.eraft.raft.trace;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/** Sends the current {@link Traceparent} (as a child span) with each call made in its scope; stateless. */
public final class TracingClientInterceptor implements ClientInterceptor {
  @Override
  public <Q, P> ClientCall<Q, P> interceptCall(MethodDescriptor<Q, P> method, CallOptions options, Channel next) {
    Traceparent trace = Traceparent.CURRENT.get();
    if (trace == null) {
      return next.newCall(method, options);
    }
    return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<P> listener, Metadata headers) {
        headers.put(Traceparent.HEADER, trace.child().header());
        super.start(listener, headers);
      }
    };
  }
}
