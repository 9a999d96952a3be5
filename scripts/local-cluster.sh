#!/usr/bin/env bash
# A 3-node kvserver cluster on this machine, in the background, for trying kvclient.
#   scripts/local-cluster.sh start    start three kvservers and wait for a leader
#   scripts/local-cluster.sh status   the servers' PIDs and `kvclient status`
#   scripts/local-cluster.sh stop     stop them (SIGTERM, then SIGKILL after 15 s); data is kept
#   scripts/local-cluster.sh clean    stop them and delete their data and logs
# Environment:
#   ERAFT_CLUSTER_DIR  data, logs and PID files (default: <repo>/data/local-cluster)
#   ERAFT_ADDRS        the servers' addresses (default: eRaft's localhost:5001,localhost:5002,localhost:5003,
#                      which kvclient uses when given no -addrs)
#   ERAFT_KVSERVER_FLAGS  more kvserver flags, e.g. "--election-timeout 500ms"
# Needs the jars: (cd <repo> && mvn -B -q package -DskipTests -pl cli -am)
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
dir=${ERAFT_CLUSTER_DIR:-$repo/data/local-cluster}
addrs=${ERAFT_ADDRS:-localhost:5001,localhost:5002,localhost:5003}
kvserver=$repo/cli/bin/kvserver
kvclient=$repo/cli/bin/kvclient
IFS=, read -r -a addr_list <<<"$addrs"

# The PID in node-<i>.pid if that process is still our kvserver (a recycled PID is not).
running_pid() {
  local pid_file=$dir/node-$1.pid pid
  [[ -f $pid_file ]] || return 1
  pid=$(<"$pid_file")
  local cmdline
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  # The launcher (bin/kvserver) until it execs java, then java -jar kvserver.jar; both name the data dir.
  [[ $cmdline == *kvserver*" -db $dir/node-$1 "* ]] && echo "$pid"
}

stop_node() {
  local i=$1 pid
  if pid=$(running_pid "$i"); then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "node $i (pid $pid) ignored SIGTERM for 15 s; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "stopped node $i (pid $pid)"
  fi
  rm -f "$dir/node-$i.pid"
}

stop_all() {
  for i in "${!addr_list[@]}"; do
    stop_node "$i"
  done
}

# Polls `kvclient status` until one server reports Leader (60 s at most).
await_leader() {
  for _ in $(seq 60); do
    if "$kvclient" -addrs "$addrs" --timeout 5s status 2>/dev/null | grep -q ' Leader '; then
      return 0
    fi
    sleep 1
  done
  return 1
}

start() {
  if [[ ! -f $repo/cli/target/kvserver.jar || ! -f $repo/cli/target/kvclient.jar ]]; then
    echo "the kvserver/kvclient jars are not built; build them with: (cd $repo && mvn -B -q package -DskipTests -pl cli -am)" >&2
    exit 1
  fi
  mkdir -p "$dir"
  for i in "${!addr_list[@]}"; do
    if pid=$(running_pid "$i"); then
      echo "node $i is already running (pid $pid); run '$0 stop' first" >&2
      exit 1
    fi
  done
  for i in "${!addr_list[@]}"; do
    # shellcheck disable=SC2086  # ERAFT_KVSERVER_FLAGS is a list of flags
    nohup "$kvserver" -id "$i" -addrs "$addrs" -db "$dir/node-$i" ${ERAFT_KVSERVER_FLAGS:-} \
      >"$dir/node-$i.out" 2>"$dir/node-$i.log" </dev/null &
    echo $! >"$dir/node-$i.pid"
  done
  for i in "${!addr_list[@]}"; do
    for _ in $(seq 600); do
      grep -q "^Server $i starting at" "$dir/node-$i.out" 2>/dev/null && break
      if ! running_pid "$i" >/dev/null; then
        echo "node $i failed to start:" >&2
        tail -n 5 "$dir/node-$i.log" >&2
        stop_all >/dev/null
        exit 1
      fi
      sleep 0.1
    done
    echo "node $i (pid $(<"$dir/node-$i.pid")) serving at ${addr_list[$i]}"
  done
  if ! await_leader; then
    echo "no leader was elected within 60 s; see the logs in $dir/node-*.log" >&2
    exit 1
  fi
  local client_flags=""
  [[ $addrs == localhost:5001,localhost:5002,localhost:5003 ]] || client_flags=" -addrs $addrs"
  cat <<USAGE

A 3-node kvraft cluster is running; data and logs are in $dir.
  export PATH=$repo/cli/bin:\$PATH
  kvclient$client_flags put greeting hello
  kvclient$client_flags get greeting
  kvclient$client_flags status
  kvclient$client_flags bench --clients 64 --duration 10s
Stop it with: $0 stop     (keeps the data; 'start' resumes from it)
Remove it with: $0 clean
USAGE
}

status() {
  for i in "${!addr_list[@]}"; do
    if pid=$(running_pid "$i"); then
      echo "node $i: running (pid $pid) at ${addr_list[$i]}"
    else
      echo "node $i: not running"
    fi
  done
  "$kvclient" -addrs "$addrs" --timeout 5s status || true
}

case ${1:-} in
  start) start ;;
  stop) stop_all ;;
  status) status ;;
  clean)
    stop_all
    rm -rf "$dir"
    echo "removed $dir"
    ;;
  *)
    echo "usage: $0 start|status|stop|clean" >&2
    exit 2
    ;;
esac
