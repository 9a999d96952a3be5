package io.eraft.raft.rpc;

import com.google.protobuf.Message;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A Raft group's client-facing gRPC service made of eRaft's two RPCs, {@code Command} and
 * {@code GetStatus}, as grpc-java generated them for one {@code .proto} package: serves them
 * ({@link #bind}) and calls them ({@link #endpoint}) without a hand-written class per service.
 * As in eRaft, errors travel in the reply, never as a gRPC status.
 *
 * @param <Q> the command request
 * @param <P> the command reply
 */
public final class GroupService<Q, P> {
  private final ServiceDescriptor service;
  private final MethodDescriptor<Q, P> command;
  private final StatusRpc<?, ?> status;

  /** The typed GetStatus RPC; its request is always the same empty message. */
  private record StatusRpc<SQ, SP extends Message>(MethodDescriptor<SQ, SP> method, SQ request,
      Supplier<Message.Builder> replyBuilder) {
    void addTo(ServerServiceDefinition.Builder definition, Supplier<ReplicaStatus> status,
        UnaryOperator<Message.Builder> details) {
      definition.addMethod(method, ServerCalls.asyncUnaryCall((ignored, responses) -> {
        responses.onNext(status.get().<SP>toProto(details.apply(replyBuilder.get())));
        responses.onCompleted();
      }));
    }

    CompletableFuture<ReplicaStatus> call(Channel channel, Duration timeout) {
      return unary(channel, method, request, timeout).thenApply(ReplicaStatus::fromProto);
    }
  }

  private GroupService(ServiceDescriptor service, MethodDescriptor<Q, P> command, StatusRpc<?, ?> status) {
    this.service = service;
    this.command = command;
    this.status = status;
  }

  /**
   * The service described by grpc-java's generated {@code <Service>Grpc} class, e.g.
   * {@code of(KVServiceGrpc.getServiceDescriptor(), KVServiceGrpc.getCommandMethod(),
   * KVServiceGrpc.getGetStatusMethod(), GetStatusRequest.getDefaultInstance(), GetStatusResponse::newBuilder)}.
   */
  public static <Q, P, SQ, SP extends Message> GroupService<Q, P> of(ServiceDescriptor service,
      MethodDescriptor<Q, P> command, MethodDescriptor<SQ, SP> getStatus, SQ statusRequest,
      Supplier<Message.Builder> statusReply) {
    return new GroupService<>(service, command, new StatusRpc<>(getStatus, statusRequest, statusReply));
  }

  /**
   * The service over a replica's request path: Command and GetStatus; a service with more RPCs
   * adds them with {@link Binding#rpc}, and one whose status has more fields fills them with
   * {@link Binding#statusDetails}. Replies are sent from the thread that completes the request
   * (often Raft's apply thread): sending a unary reply only queues it on the channel.
   */
  public Binding bind(Function<Q, CompletableFuture<P>> commands, Supplier<ReplicaStatus> replicaStatus) {
    return new Binding(commands, replicaStatus);
  }

  /**
   * A service bound to its handlers; gRPC reads it once, when the server starts. Every RPC of the
   * service must have a handler by then (gRPC refuses a service with an unbound method).
   */
  public final class Binding implements BindableService {
    private final ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(service);
    private final Supplier<ReplicaStatus> replicaStatus;
    private UnaryOperator<Message.Builder> statusDetails = UnaryOperator.identity();
    private ServerServiceDefinition built;

    private Binding(Function<Q, CompletableFuture<P>> commands, Supplier<ReplicaStatus> replicaStatus) {
      this.replicaStatus = replicaStatus;
      definition.addMethod(command, unaryHandler(commands));
    }

    /** Serves {@code method}, one of the service's RPCs besides Command and GetStatus. */
    public <A, B> Binding rpc(MethodDescriptor<A, B> method, Function<A, CompletableFuture<B>> handler) {
      definition.addMethod(method, unaryHandler(handler));
      return this;
    }

    /** Fills the service's own GetStatus fields (beyond eRaft's common six) into each reply. */
    public Binding statusDetails(UnaryOperator<Message.Builder> details) {
      this.statusDetails = details;
      return this;
    }

    @Override
    public synchronized ServerServiceDefinition bindService() {
      if (built == null) {
        status.addTo(definition, replicaStatus, statusDetails);
        built = definition.build();
      }
      return built;
    }
  }

  private static <A, B> io.grpc.ServerCallHandler<A, B> unaryHandler(Function<A, CompletableFuture<B>> handler) {
    return ServerCalls.asyncUnaryCall((request, responses) -> handler.apply(request).whenComplete((reply, error) -> {
      if (error != null) {
        responses.onError(Status.fromThrowable(error).asRuntimeException());
      } else {
        responses.onNext(reply);
        responses.onCompleted();
      }
    }));
  }

  /**
   * Calls one of the service's other RPCs on the server behind {@code channel}, asynchronously,
   * dialling again at once if the connection was refused (see {@link #endpoint}).
   */
  public static <A, B> CompletableFuture<B> call(ManagedChannel channel, MethodDescriptor<A, B> method, A request,
      Duration timeout) {
    return redialOnFailure(channel, unary(channel, method, request, timeout));
  }

  /** One server over {@code channel}, called asynchronously (no thread waits for an answer). */
  public GroupEndpoint<Q, P> endpoint(ManagedChannel channel) {
    return new GroupEndpoint<>() {
      @Override
      public CompletableFuture<P> command(Q request, Duration timeout) {
        return redialOnFailure(channel, unary(channel, command, request, timeout));
      }

      @Override
      public CompletableFuture<ReplicaStatus> status(Duration timeout) {
        return redialOnFailure(channel, status.call(channel, timeout));
      }
    };
  }

  /**
   * After a failed connection gRPC fails every call at once, without dialling, for its reconnect
   * backoff (1 s, growing by 1.6 up to 2 min), so a server that has come back would stay
   * unreachable for most of a 5 s deadline. Clients already pace their retries; dial again now.
   */
  private static <T> CompletableFuture<T> redialOnFailure(ManagedChannel channel, CompletableFuture<T> call) {
    return call.whenComplete((reply, error) -> {
      if (error != null && Status.fromThrowable(error).getCode() == Status.Code.UNAVAILABLE) {
        channel.resetConnectBackoff();
      }
    });
  }

  private static <A, B> CompletableFuture<B> unary(Channel channel, MethodDescriptor<A, B> method, A request,
      Duration timeout) {
    FutureObserver<B> answer = new FutureObserver<>();
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    ClientCalls.asyncUnaryCall(channel.newCall(method, options), request, answer);
    return answer.future();
  }
}
