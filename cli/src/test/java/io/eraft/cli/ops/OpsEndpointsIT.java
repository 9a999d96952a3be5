package io.eraft.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.cli.Binaries;
import io.eraft.cli.ExitCode;
import io.eraft.raft.cluster.FreePorts;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operations port and gRPC health of real server processes (a kvserver cluster): every
 * required metric, values that move with writes, {@code /readyz} following the group's leader,
 * gRPC health flipping on shutdown, and reflection. Waits are liveness guards.
 */
class OpsEndpointsIT {
  @TempDir Path dir;
  private Binaries binaries;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    binaries = new Binaries(Files.createDirectories(dir.resolve("logs")));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    channels.forEach(ManagedChannel::shutdownNow);
    binaries.close();
  }

  @Test
  void aKvClusterIsScrapedProbedAndFollowedByReadiness() throws Exception {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      addresses.add("127.0.0.1:" + FreePorts.pick());
    }
    String addrs = String.join(",", addresses);
    List<Binaries.Server> servers = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      servers.add(startServer(i, addrs));
    }
    for (int i = 0; i < 3; i++) {
      servers.get(i).awaitStdout("Server " + i + " starting at " + addresses.get(i) + "\n");
      urls.add(servers.get(i).metricsUrl());
    }

    for (int i = 0; i < 3; i++) {
      String node = Integer.toString(i);
      List<Scrape.Sample> samples = Scrape.awaitMetrics(urls.get(i), "a known leader",
          s -> Scrape.value(s, "eraft_raft_has_leader") == 1);
      Set<String> missing = new TreeSet<>(RequiredMetrics.everyServerAnd(
          Stream.concat(RequiredMetrics.PEER_LINKS.stream(), RequiredMetrics.KVSERVER.stream()).toList()));
      missing.removeAll(Scrape.names(samples));
      assertEquals(Set.of(), missing, "metrics node " + i + " does not expose");
      for (Scrape.Sample s : samples) {
        assertEquals(List.of("kvserver", "0", node), List.of(s.labels().get("component"), s.labels().get("group"),
            s.labels().get("node")), "common tags of " + s);
      }
      assertTrue(Scrape.get(urls.get(i) + "/metrics").contentType().startsWith("text/plain; version=0.0.4"));
    }
    double commitBefore = Scrape.value(Scrape.metrics(urls.get(0)), "eraft_raft_commit_index");
    for (int i = 0; i < 5; i++) {
      Binaries.Result put = binaries.run("kvclient", "-addrs", addrs, "--timeout", "30s", "put", "k" + i, "v");
      assertEquals(ExitCode.OK, put.exit(), put.toString());
    }
    Scrape.awaitMetrics(urls.get(0), "the commit index grow by the 5 writes",
        s -> Scrape.value(s, "eraft_raft_commit_index") >= commitBefore + 5);
    List<Scrape.Sample> afterWrites = Scrape.metrics(urls.get(0));
    assertTrue(Scrape.value(afterWrites, "eraft_raft_applied_index") >= commitBefore + 5);

    // Only the leader reports its followers' match index and lag, which catch up with the writes.
    for (int i = 0; i < 3; i++) {
      String self = Integer.toString(i);
      List<Scrape.Sample> samples = Scrape.metrics(urls.get(i));
      boolean leads = Scrape.value(samples, "eraft_raft_is_leader") == 1;
      List<String> to = samples.stream().filter(s -> s.name().equals("eraft_raft_follower_match_index"))
          .map(s -> s.labels().get("to")).sorted().toList();
      assertEquals(leads ? List.of("0", "1", "2").stream().filter(n -> !n.equals(self)).toList() : List.of(), to,
          "node " + i + (leads ? " (leader)" : " (follower)") + " reports match indexes of");
      if (leads) {
        Scrape.awaitMetrics(urls.get(i), "the followers to match the writes", s -> s.stream()
            .filter(x -> x.name().equals("eraft_raft_follower_match_index")).allMatch(x -> x.value() >= commitBefore + 5)
            && s.stream().filter(x -> x.name().equals("eraft_raft_follower_lag_entries")).count() == 2);
        assertTrue(Scrape.value(samples, "eraft_kv_requests_total", "op", "put", "result", "OK") >= 5);
      }
    }

    for (String url : urls) {
      Scrape.Answer ready = Scrape.awaitStatus(url + "/readyz?verbose", 200);
      assertTrue(ready.body().contains("[+]has_leader ok\n") && ready.body().contains("[+]linearizable_read ok\n")
          && ready.body().endsWith("readyz check passed\n"), ready.body());
      assertEquals(new Scrape.Answer(200, "text/plain; charset=utf-8", "ok\n"), Scrape.get(url + "/livez"));
      assertEquals(200, Scrape.get(url + "/healthz").status());
    }
    assertTrue(Scrape.value(Scrape.metrics(urls.get(0)), "eraft_server_healthchecks_total", "type", "readyz",
        "name", "has_leader", "status", "success") >= 1);

    ManagedChannel channel0 = channel(addresses.get(0));
    assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel0).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus());
    assertTrue(services(channel0).containsAll(List.of("kvraftpb.KVService", "raftpb.RaftService",
        "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection")), services(channel0).toString());

    // SIGTERM: the node's gRPC health turns NOT_SERVING before it goes away.
    BlockingQueue<ServingStatus> watched = watch(channel(addresses.get(1)));
    assertEquals(ServingStatus.SERVING, watched.poll(30, TimeUnit.SECONDS));
    assertEquals(143, servers.get(1).stop());
    assertEquals(ServingStatus.NOT_SERVING, watched.poll(30, TimeUnit.SECONDS));

    // With two of three nodes down the last one loses its leader: not ready, yet alive. (If it
    // led, its ReadIndex fails first, until CheckQuorum makes it step down.)
    servers.get(2).kill();
    Scrape.Answer notReady = Scrape.awaitAnswer(urls.get(0) + "/readyz", "no leader", a -> a.status() == 503
        && a.body().contains("[-]has_leader failed: no leader known in term "));
    assertTrue(notReady.body().endsWith("readyz check failed\n"), notReady.body());
    assertEquals(200, Scrape.get(urls.get(0) + "/livez").status());
    assertEquals(0, Scrape.value(Scrape.metrics(urls.get(0)), "eraft_raft_has_leader"));

    Binaries.Server back = startServer(2, addrs);
    back.awaitStdout("Server 2 starting at " + addresses.get(2) + "\n");
    Scrape.awaitStatus(urls.get(0) + "/readyz", 200);
    Scrape.awaitStatus(back.metricsUrl() + "/readyz", 200);
  }

  private Binaries.Server startServer(int id, String addrs) throws Exception {
    return binaries.startServer("kvserver", "-id", Integer.toString(id), "-addrs", addrs, "-db",
        dir.resolve("node-" + id).toString(), "--heartbeat-interval", "50ms", "--election-timeout", "500ms");
  }

  private ManagedChannel channel(String address) {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(address).usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  private static BlockingQueue<ServingStatus> watch(ManagedChannel channel) {
    BlockingQueue<ServingStatus> statuses = new LinkedBlockingQueue<>();
    HealthGrpc.newStub(channel).watch(HealthCheckRequest.getDefaultInstance(), new StreamObserver<>() {
      @Override
      public void onNext(HealthCheckResponse response) {
        statuses.add(response.getStatus());
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    });
    return statuses;
  }

  /** The services the server lists through reflection, as grpcurl's {@code list} asks. */
  private static List<String> services(ManagedChannel channel) throws Exception {
    CompletableFuture<List<String>> listed = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
        .serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse response) {
            listed.complete(response.getListServicesResponse().getServiceList().stream()
                .map(ServiceResponse::getName).toList());
          }

          @Override
          public void onError(Throwable t) {
            listed.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
    List<String> services = listed.get(30, TimeUnit.SECONDS);
    requests.onCompleted();
    return services;
  }
}
