#!/usr/bin/env bash
# Makes the class-data sharing (AppCDS) archives the launchers use, cli/target/cds/<binary>.jsa, one per
# fat jar: the JVM then maps the jar's classes already parsed and verified instead of loading them one
# by one, which halves the start-up of a one-shot client command (kvclient get, shardctl query) and of
# a server. Run by `mvn package` (cli/pom.xml, after the jars are built) with the java that runs Maven:
#   cli/bin/lib/cds-archives.bash <java>
# How: a throwaway one-node kvserver and shardctrler start on free ports; kvclient and shardctl each
# run one command against them; each of the four JVMs runs through its own launcher with
# ERAFT_CDS_TRAIN set, so it records the classes it loads with the launcher's own JVM flags. Then
# `java -Xshare:dump` turns each list into an archive of that jar, which is checked with -Xshare:on
# before it replaces the old one (a rename). The launchers use an archive only with the java recorded
# in cli/target/cds/java and only while it is newer than its jar; the JVM checks it again and quietly
# ignores one that does not match.
# Never fails the build: a binary whose archive could not be made gets none (its launcher runs without
# one) and a warning says why. Skip it all with -Deraft.cds.skip=true.
set -euo pipefail
if [[ $# -ne 1 ]]; then
  echo "usage: $0 <java>" >&2
  exit 2
fi
bin=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
target=$(cd "$bin/.." && pwd)/target
out=$target/cds
started=$SECONDS
warn() { echo "[WARNING] cds: $*" >&2; }

if ! java_path=$(command -v "$1"); then
  warn "no java at '$1'; no archives made"
  exit 0
fi
java_bin=$(readlink -f "$java_path")
binaries=(kvclient shardctl kvserver shardctrler)
for b in "${binaries[@]}"; do
  if [[ ! -f $target/$b.jar ]]; then
    warn "$target/$b.jar is missing; no archives made"
    exit 0
  fi
done

work=$(mktemp -d "$target/cds-work.XXXXXX")
pids=()
stop_servers() {
  local pid
  for pid in ${pids[@]+"${pids[@]}"}; do
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
trap 'stop_servers; rm -rf "$work"' EXIT

# Training runs use the launchers' defaults, this java, and no archive.
unset JAVA_OPTS
export JAVA=$java_bin ERAFT_CDS=off

# A port nothing listens on, from a random base (checked, not reserved: a clash only costs the
# training its server, see below).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 20000))
    if port_free "$port"; then
      echo "$port"
      return
    fi
  done
  echo 1
}

# Starts server $1 (a one-node group at 127.0.0.1:$3, address flag $2) recording its classes; its
# PID goes in <server>_pid.
start_server() {
  ERAFT_CDS_TRAIN=$work/$1.classlist nohup "$bin/$1" -id 0 "$2" "127.0.0.1:$3" -db "$work/$1-data" \
    >"$work/$1.out" 2>"$work/$1.log" </dev/null &
  pids+=($!)
  printf -v "$1_pid" '%s' $!
}

# Waits (60 s at most) until server $1 prints its ready line $2; false if it exited first or never did.
await_server() {
  local pid_var=$1_pid
  for _ in $(seq 600); do
    grep -q "^$2" "$work/$1.out" 2>/dev/null && return 0
    kill -0 "${!pid_var}" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

kv_port=$(free_port)
ctrler_port=$(free_port)
start_server kvserver -addrs "$kv_port"
start_server shardctrler -cluster "$ctrler_port"
# A client whose server did not come up is still trained, on its failure path (fewer classes).
kv_timeout=20s ctrler_timeout=20s
if ! await_server kvserver "Server 0 "; then
  warn "the training kvserver did not start ($(tail -n 1 "$work/kvserver.log" 2>/dev/null))"
  kv_timeout=1s
fi
if ! await_server shardctrler "ShardCtrler server 0 "; then
  warn "the training shardctrler did not start ($(tail -n 1 "$work/shardctrler.log" 2>/dev/null))"
  ctrler_timeout=1s
fi
# The two clients at once; their exit status does not matter, only the classes they loaded.
ERAFT_CDS_TRAIN=$work/kvclient.classlist "$bin/kvclient" -addrs "127.0.0.1:$kv_port" --timeout "$kv_timeout" \
  get cds-training >"$work/kvclient.out" 2>&1 &
kvclient_pid=$!
ERAFT_CDS_TRAIN=$work/shardctl.classlist "$bin/shardctl" -cluster "127.0.0.1:$ctrler_port" \
  --timeout "$ctrler_timeout" query >"$work/shardctl.out" 2>&1 || true
wait "$kvclient_pid" || true
stop_servers

# Dumps and checks the archive of binary $1 into $work/$1.jsa.
dump() {
  local b=$1
  [[ -s $work/$b.classlist ]] || return 1
  "$java_bin" -XX:+UseSerialGC -Xshare:dump -XX:SharedClassListFile="$work/$b.classlist" \
    -XX:SharedArchiveFile="$work/$b.jsa" -cp "$target/$b.jar" >"$work/$b.dump.log" 2>&1 || return 1
  "$java_bin" -Xshare:on -XX:SharedArchiveFile="$work/$b.jsa" -cp "$target/$b.jar" -version \
    >>"$work/$b.dump.log" 2>&1
}

# Moves the archive of binary $1 into place if its dump (PID $2) succeeded, else removes the old one.
install_archive() {
  if wait "$2"; then
    mv -f "$work/$1.jsa" "$out/$1.jsa"
    made+=("$1")
  else
    rm -f "$out/$1.jsa"
    warn "no archive for $1, which starts without one ($(grep -m 1 -iE 'error|fatal' "$work/$1.dump.log" 2>/dev/null ||
      echo "no classes recorded"))"
  fi
}

mkdir -p "$out"
echo "$java_bin" >"$out/java"
made=()
# Two at a time: each dump keeps one core busy for a few seconds.
dump kvclient &
kvclient_dump=$!
dump shardctl &
shardctl_dump=$!
install_archive kvclient "$kvclient_dump"
install_archive shardctl "$shardctl_dump"
dump kvserver &
kvserver_dump=$!
dump shardctrler &
shardctrler_dump=$!
install_archive kvserver "$kvserver_dump"
install_archive shardctrler "$shardctrler_dump"
echo "cds: class-data sharing archives for ${made[*]-none} in $out ($((SECONDS - started)) s)"
