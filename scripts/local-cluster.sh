#!/usr/bin/env bash
# Local clusters on this machine, in the background, on eRaft's README addresses: a 3-node kvraft
# cluster (kvserver, 5001-5003), the 3-node shard controller (shardctrler, 50051-50053) and two
# 3-node ShardKV groups (shardkvserver: group 100 on 6001-6003, group 101 on 7001-7003), which
# `start` joins to the controllers and waits for until every shard is served; with the controllers,
# eRaft's dashboard on http://127.0.0.1:8080/ (not fatal if it cannot start).
#   scripts/local-cluster.sh start  [kv|ctrler|g100|g101|sharded|all]  start, and wait until ready
#   scripts/local-cluster.sh status [...]   the servers' PIDs and their status table
#   scripts/local-cluster.sh stop   [...]   stop them (SIGTERM, then SIGKILL after 15 s); data is kept
#   scripts/local-cluster.sh clean  [...]   stop them and delete their data and logs
#   scripts/local-cluster.sh restart kv|ctrler|g100|g101 N   stop node N if it runs (as stop does), start
#                                           it again with the flags, data and log file it had, and wait
#                                           until it serves
#   scripts/local-cluster.sh kill    kv|ctrler|g100|g101 N   kill -9 node N (a crash, for fault drills);
#                                                          data is kept
# The component defaults to all; sharded is ctrler, g100 and g101. N is a node's id, its position in
# the addresses (0, 1, 2).
# Each node's files, in <ERAFT_CLUSTER_DIR>/<component>/: node-N/ (data), node-N.log (its log; a restart
# appends), node-N.out (its ready line), node-N.pid, node-N.args (its flags, which restart reuses).
# Environment:
#   ERAFT_CLUSTER_DIR        data, logs and PID files, one subdirectory per component
#                            (default: <repo>/data/local-cluster)
#   ERAFT_ADDRS              the kvservers' addresses (default: eRaft's localhost:5001,localhost:5002,localhost:5003,
#                            which kvclient uses when given no -addrs)
#   ERAFT_CTRLER_ADDRS       the controllers' addresses (default: eRaft's
#                            127.0.0.1:50051,127.0.0.1:50052,127.0.0.1:50053, which shardctl and shardkv use
#                            by default)
#   ERAFT_G100_ADDRS, ERAFT_G101_ADDRS   the ShardKV groups' addresses (default: 127.0.0.1:6001,...:6003
#                            and 127.0.0.1:7001,...:7003)
#   ERAFT_DASHBOARD_PORT     the dashboard's port on 127.0.0.1 (default 8080; files in <ERAFT_CLUSTER_DIR>/dashboard)
#   ERAFT_KVSERVER_FLAGS, ERAFT_SHARDCTRLER_FLAGS, ERAFT_SHARDKVSERVER_FLAGS
#                            more server flags, e.g. "--election-timeout 500ms"
# Give every command on one cluster the same environment (status, restart... find the nodes by it).
# Needs the jars: (cd <repo> && mvn -B -q package -DskipTests -pl cli -am)
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
root=${ERAFT_CLUSTER_DIR:-$repo/data/local-cluster}
bin=$repo/cli/bin
default_ctrler_addrs=127.0.0.1:50051,127.0.0.1:50052,127.0.0.1:50053
ctrler_addrs=${ERAFT_CTRLER_ADDRS:-$default_ctrler_addrs}
dashboard_port=${ERAFT_DASHBOARD_PORT:-8080}
groups=(g100 g101)

# Selects a component: sets server, client, addr_flag, addrs, default_addrs, ready, flags, dir, addr_list,
# status_cmd (the client command whose status shows the component).
# ready is the start of the line a server prints once it serves, followed by its id.
use() {
  case $1 in
    kv)
      server=kvserver client=kvclient addr_flag=-addrs default_addrs=localhost:5001,localhost:5002,localhost:5003
      addrs=${ERAFT_ADDRS:-$default_addrs} ready="Server" flags=${ERAFT_KVSERVER_FLAGS:-}
      ;;
    ctrler)
      server=shardctrler client=shardctl addr_flag=-cluster default_addrs=$default_ctrler_addrs
      addrs=$ctrler_addrs ready="ShardCtrler server" flags=${ERAFT_SHARDCTRLER_FLAGS:-}
      ;;
    g100) use_group 100 127.0.0.1:6001,127.0.0.1:6002,127.0.0.1:6003 "${ERAFT_G100_ADDRS:-}" ;;
    g101) use_group 101 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003 "${ERAFT_G101_ADDRS:-}" ;;
  esac
  dir=$root/$1
  IFS=, read -r -a addr_list <<<"$addrs"
  if [[ $server == shardkvserver ]]; then
    status_cmd=("$bin/shardkv" -ctrlers "$ctrler_addrs")
  else
    status_cmd=("$bin/$client" "$addr_flag" "$addrs")
  fi
}

# use() for ShardKV group $1 with default addresses $2, or $3 if set.
use_group() {
  server=shardkvserver client=shardkv addr_flag=-cluster default_addrs=$2
  addrs=${3:-$2} ready="ShardKV group $1 node" flags="-gid $1 -ctrlers $ctrler_addrs ${ERAFT_SHARDKVSERVER_FLAGS:-}"
}

# The PID in file $1 if that process is still one whose command line holds $2 and, after it, $3
# (a recycled PID is not; a killed one, gone or a zombie with an empty command line, is not either).
pid_if_running() {
  local pid cmdline
  [[ -f $1 ]] || return 1
  pid=$(<"$1")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  # stderr first: a process gone since the test above must not make the shell complain.
  cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  [[ $cmdline == *"$2"*"$3"* ]] && echo "$pid"
}

# The PID of node $1 of the selected component if it still runs: the launcher (bin/<server>) until
# it execs java, then java -jar <server>.jar; both name the data dir.
running_pid() {
  pid_if_running "$dir/node-$1.pid" "$server" " -db $dir/node-$1 "
}

# Whether the process whose PID is in file $1 still exists and has not exited. Unlike running_pid it
# does not ask that it be a server yet, and it reads the process state, not the command line, which
# is this script's just after the fork and may read empty while the process execs.
launched_alive() {
  local pid stat
  pid=$(<"$1") || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  { stat=$(<"/proc/$pid/stat"); } 2>/dev/null || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
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
      echo "$server $i (pid $pid) ignored SIGTERM for 15 s; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "stopped $server $i (pid $pid)"
  fi
  rm -f "$dir/node-$i.pid"
}

stop_all() {
  for i in "${!addr_list[@]}"; do
    stop_node "$i"
  done
}

# Polls the client's status until one server reports Leader (60 s at most).
await_leader() {
  for _ in $(seq 60); do
    if "${status_cmd[@]}" --timeout 5s status 2>/dev/null | grep -q ' Leader '; then
      return 0
    fi
    sleep 1
  done
  return 1
}

# Records node $1's server flags (the rest of the arguments) in node-<i>.args, one per line.
save_args() {
  local i=$1
  shift
  printf '%s\n' "$@" >"$dir/node-$i.args"
}

# Starts node $1 in the background with the flags in node-<i>.args; its log is new ($2 = new) or
# appended to ($2 = append, after a line saying so).
launch_node() {
  local i=$1 args=() arg
  while IFS= read -r arg; do
    args+=("$arg")
  done <"$dir/node-$i.args"
  if [[ $2 == append ]]; then
    echo "--- $(date '+%F %T') local-cluster.sh restarts $server $i" >>"$dir/node-$i.log"
  else
    : >"$dir/node-$i.log"
  fi
  nohup "$bin/$server" "${args[@]}" >"$dir/node-$i.out" 2>>"$dir/node-$i.log" </dev/null &
  echo $! >"$dir/node-$i.pid"
}

# Waits until node $1 prints its ready line (it serves), 60 s at most; says so, or why not.
await_node() {
  local i=$1
  for _ in $(seq 600); do
    if grep -q "^$ready $i " "$dir/node-$i.out" 2>/dev/null; then
      echo "$server $i (pid $(<"$dir/node-$i.pid")) serving at ${addr_list[$i]}," \
        "metrics and health at $(grep -o 'http://[^ ]*/metrics' "$dir/node-$i.out" | tail -1 | sed 's|/metrics$||')"
      return 0
    fi
    if ! launched_alive "$dir/node-$i.pid"; then
      echo "$server $i failed to start; the end of $dir/node-$i.log:" >&2
      tail -n 5 "$dir/node-$i.log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "$server $i (pid $(<"$dir/node-$i.pid")) did not serve within 60 s; see $dir/node-$i.log" >&2
  return 1
}

# Checks that node $1 of the selected component is one this script started; exits 2 if not.
require_node() {
  if [[ ! $1 =~ ^[0-9]+$ ]] || ((10#$1 >= ${#addr_list[@]})); then
    echo "no $server node '$1': use an id from 0 to $((${#addr_list[@]} - 1))" >&2
    exit 2
  fi
  local i=$((10#$1))
  if [[ ! -f $dir/node-$i.args ]]; then
    if [[ ! -d $dir/node-$i ]]; then
      echo "$server $i was never started here ($dir); run '$0 start' first" >&2
      exit 2
    fi
    # Started before node-<i>.args existed: the flags start would give it now.
    # shellcheck disable=SC2086  # flags is a list of flags
    save_args "$i" -id "$i" "$addr_flag" "$addrs" -db "$dir/node-$i" $flags
  fi
}

restart_node() {
  stop_node "$1"
  launch_node "$1" append
  await_node "$1" || exit 1
}

kill_node() {
  local i=$1 pid
  if ! pid=$(running_pid "$i"); then
    echo "$server $i is not running" >&2
    exit 1
  fi
  kill -KILL "$pid" 2>/dev/null || true
  # Gone once its command line is (an exited process not yet reaped has an empty one).
  for _ in $(seq 100); do
    running_pid "$i" >/dev/null || break
    sleep 0.1
  done
  if running_pid "$i" >/dev/null; then
    echo "$server $i (pid $pid) is still there 10 s after SIGKILL" >&2
    exit 1
  fi
  rm -f "$dir/node-$i.pid"
  echo "killed $server $i (pid $pid) with SIGKILL; data kept ('$0 restart $component $i' starts it again)"
}

# The dashboard's PID if the process in dashboard/dashboard.pid is still our dashboard.
dashboard_pid() {
  pid_if_running "$root/dashboard/dashboard.pid" dashboard " -host 127.0.0.1 -port "
}

# Starts the dashboard of the controllers unless it runs; a failure (say, its port in use) is said,
# not fatal: the cluster serves without it.
start_dashboard() {
  local dash=$root/dashboard pid
  mkdir -p "$dash"
  if pid=$(dashboard_pid); then
    echo "dashboard already running (pid $pid) at http://127.0.0.1:$dashboard_port/"
    return 0
  fi
  nohup "$bin/dashboard" -host 127.0.0.1 -port "$dashboard_port" -config-addrs "$ctrler_addrs" \
    >"$dash/dashboard.out" 2>"$dash/dashboard.log" </dev/null &
  echo $! >"$dash/dashboard.pid"
  for _ in $(seq 300); do
    if grep -q '^Dashboard server listening' "$dash/dashboard.out" 2>/dev/null; then
      echo "dashboard (pid $(<"$dash/dashboard.pid")) at http://127.0.0.1:$dashboard_port/"
      return 0
    fi
    launched_alive "$dash/dashboard.pid" || break
    sleep 0.1
  done
  echo "the dashboard did not start (the cluster runs without it): $(tail -n 1 "$dash/dashboard.log" 2>/dev/null);" \
    "ERAFT_DASHBOARD_PORT chooses another port" >&2
  rm -f "$dash/dashboard.pid"
}

stop_dashboard() {
  local pid
  if pid=$(dashboard_pid); then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    echo "stopped dashboard (pid $pid)"
  fi
  rm -f "$root/dashboard/dashboard.pid"
}

start() {
  if [[ ! -f $repo/cli/target/$server.jar || ! -f $repo/cli/target/$client.jar ]]; then
    echo "the $server/$client jars are not built; build them with: (cd $repo && mvn -B -q package -DskipTests -pl cli -am)" >&2
    exit 1
  fi
  mkdir -p "$dir"
  for i in "${!addr_list[@]}"; do
    if pid=$(running_pid "$i"); then
      echo "$server $i is already running (pid $pid); run '$0 stop' first ('restart' restarts one node)" >&2
      exit 1
    fi
  done
  for i in "${!addr_list[@]}"; do
    # shellcheck disable=SC2086  # flags is a list of flags
    save_args "$i" -id "$i" "$addr_flag" "$addrs" -db "$dir/node-$i" $flags
    launch_node "$i" new
  done
  for i in "${!addr_list[@]}"; do
    if ! await_node "$i"; then
      stop_all >/dev/null
      exit 1
    fi
  done
  # A group has no status of its own until it joins; join_groups waits for it.
  if [[ $server != shardkvserver ]] && ! await_leader; then
    echo "no $server leader was elected within 60 s; see the logs in $dir/node-*.log" >&2
    exit 1
  fi
}

# Joins the ShardKV groups given ($@) that the controllers do not know yet, then waits (120 s at most)
# until every shard is served: all ten Serving on every server of its group, no shard moving.
join_groups() {
  local joins=() g config
  config=$("$bin/shardctl" -cluster "$ctrler_addrs" --timeout 10s --output json query) || {
    echo "the controllers at $ctrler_addrs did not answer; start them first ('$0 start ctrler')" >&2
    exit 1
  }
  for g in "$@"; do
    use "$g"
    [[ $config == *"\"${g#g}\":"* ]] || joins+=("${g#g}=$addrs")
  done
  if ((${#joins[@]} > 0)); then
    "$bin/shardctl" -cluster "$ctrler_addrs" --timeout 10s join "${joins[@]}" >/dev/null
    echo "joined ${joins[*]}"
  fi
  local status
  for _ in $(seq 120); do
    status=$("$bin/shardkv" -ctrlers "$ctrler_addrs" --timeout 2s --output json status 2>/dev/null) || status=
    if [[ -n $status && $status != *'"online":false'* && $status != *Pulling* && $status != *GCing* \
      && $(grep -o '"status":"Serving"' <<<"$status" | wc -l) -ge 30 ]]; then
      echo "every shard is served"
      return 0
    fi
    sleep 1
  done
  echo "the shards were not all served within 120 s; see '$bin/shardkv status' and the logs in $root/g*/" >&2
  exit 1
}

status() {
  for i in "${!addr_list[@]}"; do
    if pid=$(running_pid "$i"); then
      echo "$server $i: running (pid $pid) at ${addr_list[$i]}"
    else
      echo "$server $i: not running"
    fi
  done
  "${status_cmd[@]}" --timeout 5s status || true
}

# How to use the components just started; a client needs its address flag only off the defaults.
usage_hint() {
  local kv_flags="" ctrler_flags=""
  use kv
  [[ $addrs == "$default_addrs" ]] || kv_flags=" -addrs $addrs"
  use ctrler
  [[ $addrs == "$default_addrs" ]] || ctrler_flags=" -cluster $addrs"
  echo
  echo "Running; data and logs are in $root."
  echo "  export PATH=$repo/cli/bin:\$PATH"
  if [[ " $* " == *" kv "* ]]; then
    echo "  kvclient$kv_flags put greeting hello"
    echo "  kvclient$kv_flags get greeting"
    echo "  kvclient$kv_flags status"
    echo "  kvclient$kv_flags bench --clients 64 --duration 10s"
  fi
  if [[ " $* " == *" g100 "* || " $* " == *" g101 "* ]]; then
    echo "  shardkv put mykey myvalue"
    echo "  shardkv get mykey"
    echo "  shardkv append mykey ' extra'"
    echo "  shardkv bench 1000"
    echo "  shardctl$ctrler_flags move 0 101"
    echo "  shardctl$ctrler_flags query"
    echo "  shardkv status"
  elif [[ " $* " == *" ctrler "* ]]; then
    echo "  shardctl$ctrler_flags join 100=127.0.0.1:6001,127.0.0.1:6002,127.0.0.1:6003"
    echo "  shardctl$ctrler_flags query"
    echo "  shardctl$ctrler_flags status"
  fi
  if [[ " $* " == *" ctrler "* ]] && dashboard_pid >/dev/null; then
    echo "The dashboard: http://127.0.0.1:$dashboard_port/ (JSON: /api/dashboard, /api/topology, /api/metrics)"
  fi
  echo "Each server's /metrics, /livez and /readyz are on its port + 100 (curl -s '127.0.0.1:6101/readyz?verbose');"
  echo "  prometheus --config.file=$repo/deploy/prometheus/prometheus.yml scrapes them (README: Monitoring)."
  echo "Stop with: $0 stop     (keeps the data; 'start' resumes from it)"
  echo "Remove with: $0 clean"
}

usage() {
  echo "usage: $0 start|status|stop|clean [kv|ctrler|g100|g101|sharded|all]  or  $0 restart|kill kv|ctrler|g100|g101 N" >&2
  exit 2
}

action=${1:-}
if [[ $action == restart || $action == kill ]]; then
  [[ $# -eq 3 ]] || usage
  component=$2
  case $component in
    kv | ctrler | g100 | g101) use "$component" ;;
    *)
      echo "unknown component '$component': use kv, ctrler, g100 or g101" >&2
      exit 2
      ;;
  esac
  require_node "$3"
  "${action}_node" "$((10#$3))"
  exit 0
fi
case ${2:-all} in
  kv | ctrler | g100 | g101) components=("$2") ;;
  sharded) components=(ctrler "${groups[@]}") ;;
  all) components=(kv ctrler "${groups[@]}") ;;
  *)
    echo "unknown component '$2': use kv, ctrler, g100, g101, sharded or all" >&2
    exit 2
    ;;
esac
case $action in
  start)
    started_groups=()
    for c in "${components[@]}"; do
      use "$c"
      start
      [[ $server != shardkvserver ]] || started_groups+=("$c")
    done
    if ((${#started_groups[@]} > 0)); then
      join_groups "${started_groups[@]}"
    fi
    [[ " ${components[*]} " != *" ctrler "* ]] || start_dashboard
    usage_hint "${components[@]}"
    ;;
  stop | status | clean)
    if [[ " ${components[*]} " == *" ctrler "* ]]; then
      case $action in
        stop) stop_dashboard ;;
        clean) stop_dashboard && rm -rf "$root/dashboard" ;;
        status)
          if pid=$(dashboard_pid); then
            echo "dashboard: running (pid $pid) at http://127.0.0.1:$dashboard_port/"
          else
            echo "dashboard: not running"
          fi
          ;;
      esac
    fi
    for c in "${components[@]}"; do
      use "$c"
      case $action in
        stop) stop_all ;;
        status) status ;;
        clean)
          stop_all
          rm -rf "$dir"
          echo "removed $dir"
          ;;
      esac
    done
    [[ $action != clean ]] || rmdir "$root" 2>/dev/null || true
    ;;
  *) usage ;;
esac
