package io.eraft.cli.dashboard;

import io.eraft.raft.client.ClientSession;
import io.eraft.raft.client.NodeStatus;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.shardctrler.client.CtrlerClerk;
import io.eraft.shardctrler.client.CtrlerClient;
import io.eraft.shardctrler.config.ShardConfig;
import io.eraft.shardkv.client.GrpcShardKvNetwork;
import io.eraft.shardkv.client.ShardGroups;
import io.eraft.shardkv.client.ShardKvNodeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the cluster how it stands, as eRaft's dashboard does, without writing to any log: the
 * latest configuration by Query (a ReadIndex read; eRaft's Query appends a log entry on every
 * poll), and GetStatus of every controller and of every server of every group in it, all at once,
 * each given {@code timeout}. A server that does not answer in time is Offline; nothing waits on it
 * longer. Logs when a server stops or starts answering. Not thread-safe: one thread collects.
 */
final class ClusterCollector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterCollector.class);

  private final CtrlerClient ctrlers;
  private final CtrlerClerk configReader;
  private final ShardGroups groups;
  private final Duration timeout;
  private final ExecutorService controllerStatus = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "dashboard-controller-status");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Instant> lastSeen = new HashMap<>();
  private final Map<String, String> failures = new HashMap<>(); // address → why it did not answer last time
  private ShardConfig config = ShardConfig.INITIAL;
  private String configProblem;

  /** @param timeout how long each server is given to answer */
  ClusterCollector(List<String> ctrlerAddresses, Duration timeout) {
    this.ctrlers = CtrlerClient.connect(ctrlerAddresses, RetryPolicy.DEFAULT, timeout);
    this.configReader = ctrlers.newClerk();
    this.groups = new ShardGroups(new GrpcShardKvNetwork(), RetryPolicy.DEFAULT);
    this.timeout = timeout;
  }

  /** One look at the cluster; blocks up to twice the timeout (the Query, then the groups). */
  ClusterSnapshot collect() {
    CompletableFuture<List<NodeStatus>> controllers =
        CompletableFuture.supplyAsync(() -> ctrlers.status(timeout), controllerStatus);
    readConfig();
    groups.retainOnly(config.groups());
    List<ShardKvNodeStatus> groupNodes = groups.status(config, timeout);
    List<NodeStatus> controllerNodes = controllers.join();
    Instant now = Instant.now();
    controllerNodes.forEach(node -> note(node, now));
    groupNodes.forEach(node -> note(node.node(), now));
    forgetAllBut(controllerNodes, groupNodes);
    return new ClusterSnapshot(now, config, configProblem, controllerNodes, groupNodes, lastSeen);
  }

  private void readConfig() {
    try {
      config = ClientSession.await(configReader.queryAsync(-1, timeout));
      if (configProblem != null) {
        LOG.info("the controllers answer the configuration query again");
      }
      configProblem = null;
    } catch (RuntimeException e) {
      if (configProblem == null) {
        LOG.warn("the controllers did not give the latest configuration; showing config {} until they do: {}",
            config.num(), e.getMessage());
      }
      configProblem = e.getMessage();
    }
  }

  private void note(NodeStatus node, Instant now) {
    if (node.online()) {
      lastSeen.put(node.address(), now);
      if (failures.remove(node.address()) != null) {
        LOG.info("{} answers again", node.address());
      }
    } else if (failures.put(node.address(), node.failure()) == null) {
      LOG.warn("{} does not answer: {}", node.address(), node.failure());
    }
  }

  /** Forgets the servers of groups that left. */
  private void forgetAllBut(List<NodeStatus> controllerNodes, List<ShardKvNodeStatus> groupNodes) {
    Set<String> current = new HashSet<>();
    controllerNodes.forEach(node -> current.add(node.address()));
    groupNodes.forEach(node -> current.add(node.node().address()));
    lastSeen.keySet().retainAll(current);
    failures.keySet().retainAll(current);
  }

  @Override
  public void close() {
    controllerStatus.shutdownNow();
    try {
      groups.close();
    } finally {
      ctrlers.close();
    }
  }
}
