#!/usr/bin/env bash
# Builds the raft module and benchmarks a 3-node Raft group in one JVM on 127.0.0.1.
#   scripts/raft-bench.sh <memory|grpc> <proposers> [seconds=10] [valueBytes=128]
# memory: in-memory transport and logs, no fsync; grpc: gRPC, LevelDB logs, fsync on.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl raft -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -cp "raft/target/test-classes:raft/target/classes:$(cat raft/target/bench.classpath)" \
  io.eraft.raft.bench.RaftBenchmark "$@"
