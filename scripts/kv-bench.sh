#!/usr/bin/env bash
# Benchmarks a 3-node kvserver cluster on 127.0.0.1 (separate JVMs, gRPC, LevelDB, fsync on) with
# `kvclient bench` in its own JVM: puts of 128-byte values under 16-byte keys, closed loop.
#   scripts/kv-bench.sh [clients...]        default: 1 64
# Environment: BENCH_DURATION (default 12s per client count), BENCH_WARMUP (60s, once), BENCH_OP (put),
#   BENCH_OUTPUT (text|json).
# Builds nothing: it needs the jars (mvn -B -q package -DskipTests -pl cli -am). Stops its servers
# and removes their data on exit.
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
if [[ ! -f $repo/cli/target/kvserver.jar || ! -f $repo/cli/target/kvclient.jar ]]; then
  echo "the kvserver/kvclient jars are not built; build them with: (cd $repo && mvn -B -q package -DskipTests -pl cli -am)" >&2
  exit 1
fi
clients=("$@")
[[ ${#clients[@]} -gt 0 ]] || clients=(1 64)

# Three consecutive ports nothing listens on, from a random base (free-ish: checked, not reserved).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 20); do
  base=$((20000 + RANDOM % 20000))
  if port_free "$base" && port_free $((base + 1)) && port_free $((base + 2)); then
    break
  fi
done
addrs="127.0.0.1:$base,127.0.0.1:$((base + 1)),127.0.0.1:$((base + 2))"

cluster_dir=$(mktemp -d "${TMPDIR:-/tmp}/eraft-kv-bench.XXXXXX")
export ERAFT_CLUSTER_DIR=$cluster_dir ERAFT_ADDRS=$addrs
trap '"$repo/scripts/local-cluster.sh" clean kv >/dev/null' EXIT
"$repo/scripts/local-cluster.sh" start kv >/dev/null
echo "cluster: 3 kvservers at $addrs (data in $cluster_dir, fsync on)"

# One client JVM measures every count in turn, after one warm-up: the servers' and the
# client's JIT compilers (four fresh JVMs on two cores) need about a minute under load before the
# figures settle.
"$repo/cli/bin/kvclient" -addrs "$addrs" --timeout 10s bench --clients "$(IFS=,; echo "${clients[*]}")" \
  --op "${BENCH_OP:-put}" --key-bytes 16 --value-bytes 128 --duration "${BENCH_DURATION:-12s}" \
  --warmup "${BENCH_WARMUP:-60s}" --output "${BENCH_OUTPUT:-text}"
