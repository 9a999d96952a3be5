#!/usr/bin/env bash
# Benchmarks eRaft's README topology on 127.0.0.1 — 3 controllers + ShardKV groups 100 and 101 of 3
# servers each, separate JVMs, gRPC, LevelDB, fsync on — with `shardkv bench` in its own JVM, then
# measures the idle system: CPU of all nine servers over BENCH_IDLE, and each server's resident memory.
#   scripts/shardkv-bench.sh [clients...]     closed loop of 128-byte puts per client count; default: 1 64
# Environment: BENCH_DURATION (default 15s per count), BENCH_WARMUP (60s, once), BENCH_READ_RATIO (0),
#   BENCH_SEQUENTIAL (eRaft's `shardkv bench N` too, e.g. 10000; default none), BENCH_IDLE (30s).
# Builds nothing: it needs the jars (mvn -B -q package -DskipTests -pl cli -am). Stops its servers and
# removes their data on exit.
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
for jar in shardctrler shardctl shardkvserver shardkv; do
  if [[ ! -f $repo/cli/target/$jar.jar ]]; then
    echo "the $jar jar is not built; build the jars with: (cd $repo && mvn -B -q package -DskipTests -pl cli -am)" >&2
    exit 1
  fi
done
clients=("$@")
[[ ${#clients[@]} -gt 0 ]] || clients=(1 64)

# Three consecutive free ports from a random base, for each of the three groups (checked, not reserved).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
three_ports() {
  local base
  for _ in $(seq 50); do
    base=$((20000 + RANDOM % 20000))
    if port_free "$base" && port_free $((base + 1)) && port_free $((base + 2)); then
      echo "127.0.0.1:$base,127.0.0.1:$((base + 1)),127.0.0.1:$((base + 2))"
      return
    fi
  done
  echo "no three free ports found" >&2
  exit 1
}
cluster_dir=$(mktemp -d "${TMPDIR:-/tmp}/eraft-shardkv-bench.XXXXXX")
ERAFT_CTRLER_ADDRS=$(three_ports) ERAFT_G100_ADDRS=$(three_ports) ERAFT_G101_ADDRS=$(three_ports)
export ERAFT_CLUSTER_DIR=$cluster_dir ERAFT_CTRLER_ADDRS ERAFT_G100_ADDRS ERAFT_G101_ADDRS
trap '"$repo/scripts/local-cluster.sh" clean sharded >/dev/null' EXIT
"$repo/scripts/local-cluster.sh" start sharded >/dev/null
echo "system: controllers $ERAFT_CTRLER_ADDRS, group 100 $ERAFT_G100_ADDRS, group 101 $ERAFT_G101_ADDRS"
echo "        (data in $cluster_dir, fsync on)"

shardkv=("$repo/cli/bin/shardkv" -ctrlers "$ERAFT_CTRLER_ADDRS" --timeout 10s)
"${shardkv[@]}" bench --clients "${clients[-1]}" --duration "${BENCH_WARMUP:-60s}" >/dev/null
for n in "${clients[@]}"; do
  echo "== $n clients, 128-byte values, read ratio ${BENCH_READ_RATIO:-0}, ${BENCH_DURATION:-15s}"
  "${shardkv[@]}" bench --clients "$n" --duration "${BENCH_DURATION:-15s}" --warmup 10s --value-size 128 \
    --read-ratio "${BENCH_READ_RATIO:-0}"
done
if [[ -n ${BENCH_SEQUENTIAL:-} ]]; then
  echo "== eRaft's bench $BENCH_SEQUENTIAL (sequential puts)"
  "${shardkv[@]}" bench "$BENCH_SEQUENTIAL" | grep -v '^Finished'
fi

# Idle: CPU ticks of every server over the period (utime + stime in /proc/PID/stat), and resident memory.
pids=$(cat "$cluster_dir"/*/node-*.pid)
ticks() { local t=0 p; for p in $pids; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }
idle=${BENCH_IDLE:-30s}
sleep 5
before=$(ticks)
sleep "${idle%s}"
after=$(ticks)
hz=$(getconf CLK_TCK)
awk -v t=$((after - before)) -v hz="$hz" -v s="${idle%s}" \
  'BEGIN { printf "== idle: the nine servers used %.3f of a core over %ss\n", t / hz / s, s }'
echo "== resident memory (VmRSS) per server:"
for f in "$cluster_dir"/*/node-*.pid; do
  p=$(<"$f")
  printf '  %-12s %s\n' "$(basename "$(dirname "$f")")/$(basename "$f" .pid)" "$(grep VmRSS "/proc/$p/status" | awk '{print $2, $3}')"
done
