package io.eraft.raft.sim.service;

import io.eraft.raft.node.RaftNode;
import io.eraft.raft.storage.LevelDbStateMachine;
import io.eraft.raft.storage.LevelDbStateStore;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What a service plugs into a {@link SimServiceCluster}: how to build its state machine on a
 * replica's opened LevelDB store, and its request path over the started node and that state
 * machine — the same two steps a production replica takes ({@code ReplicaServer.start}), so the
 * simulated servers are the real ones with only the network and the Raft log swapped. Both
 * functions run on the test thread at every (re)start of a server, the second before the node
 * starts (so it may add leadership listeners). A request path that owns threads or clients
 * implements {@link AutoCloseable}: it is closed when its server stops, after the node.
 *
 * @param stateMachine the state machine over a store it does not own (e.g. {@code KvStateMachine::new})
 * @param server the request path, e.g. {@code (node, machine) -> new KvServer(node, machine, options)}
 * @param <R> what applying one command returns
 * @param <M> the state machine
 * @param <S> the request path the clients' calls run against
 */
public record SimService<R, M extends LevelDbStateMachine<R>, S>(
    Function<LevelDbStateStore, M> stateMachine, BiFunction<RaftNode<R>, M, S> server) {}
