#!/usr/bin/env bash
# The failover drill on a local FAILOVER=etcd cluster: one etcd and six nodes on loopback (each with its own DATA_DIR
# in a temporary directory), then `KvStore.LoadRunner failover` against them; everything started here is stopped on exit.
#   [FAULT=sigstop|step-down|kill] [FAILOVERS=10] [INTERVAL=5s] [CLIENTS=4] [TTL=2] [KEEP=1: keep the logs] bench/etcd-failover-drill.sh
# Each node runs under a restart loop, as a supervisor (systemd, Compose's restart policy) would keep it: after
# FAULT=kill (kill -9 of the leader) it comes back on its DATA_DIR and rejoins as a follower.
# Needs etcd (bash .ci/install-etcd.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fault=${FAULT:-sigstop}
command -v etcd >/dev/null || { echo "etcd is not installed: bash .ci/install-etcd.sh" >&2; exit 2; }
dotnet build KvStore.Node -c Release -v q -nologo >/dev/null
dotnet build KvStore.LoadRunner -c Release -v q -nologo >/dev/null
work=$(mktemp -d)
# etcd on tmpfs where there is one (ETCD_DIR overrides): etcd fsyncs every lease grant, keep-alive and key change, and
# shares the disk here with six nodes fsyncing their logs and writing snapshots; the tests run it on tmpfs too.
etcd_dir=${ETCD_DIR:-$( [ -d /dev/shm ] && mktemp -d /dev/shm/kvstore-drill-etcd.XXXXXX || echo "$work/etcd" )}
pids=()
stop() {
  touch "$work/stopping"
  pkill -CONT -f -- "--drill-node=$work/" 2>/dev/null || true
  pkill -f -- "--drill-node=$work/" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  case "$etcd_dir" in /dev/shm/kvstore-drill-etcd.*) rm -rf "$etcd_dir" ;; esac
  [ -n "${KEEP:-}" ] && echo "logs kept in $work" || rm -rf "$work"
}
trap stop EXIT

etcd --name drill --data-dir "$etcd_dir" --logger zap --log-level error \
  --listen-client-urls http://127.0.0.1:23790 --advertise-client-urls http://127.0.0.1:23790 \
  --listen-peer-urls http://127.0.0.1:23800 --initial-advertise-peer-urls http://127.0.0.1:23800 \
  --initial-cluster drill=http://127.0.0.1:23800 >"$work/etcd.log" 2>&1 &
pids+=($!)

urls=()
for i in 0 1 2 3 4 5; do urls+=("http://127.0.0.1:1810$i"); done
for i in 0 1 2 3 4 5; do
  peers=$(printf '%s\n' "${urls[@]}" | grep -v ":1810$i\$" | paste -sd, -)
  role=follower; [ "$i" = 0 ] && role=leader
  # --drill-node names the process for stop(); the node ignores the setting.
  (
    while [ ! -e "$work/stopping" ]; do
      FAILOVER=etcd ROLE=$role NODE_NAME=node$i PEERS=$peers ETCD_ENDPOINTS=http://127.0.0.1:23790 ETCD_LEASE_TTL=${TTL:-2} \
        WRITE_QUORUM=3 REPLICATION_TOKEN=drill DATA_DIR="$work/node$i" ASPNETCORE_URLS="${urls[$i]}" \
        Logging__Console__FormatterOptions__TimestampFormat="HH:mm:ss.fff " Logging__Console__FormatterOptions__SingleLine=true \
        dotnet KvStore.Node/bin/Release/net10.0/KvStore.Node.dll "--drill-node=$work/node$i" >>"$work/node$i.log" 2>&1 || true
      role=follower
      sleep 0.2
    done
  ) &
  pids+=($!)
done
for url in "${urls[@]}"; do
  for _ in $(seq 1 300); do curl -sf "$url/health" >/dev/null && break; sleep 0.1; done
done

dotnet KvStore.LoadRunner/bin/Release/net10.0/KvStore.LoadRunner.dll failover --nodes "$(IFS=,; echo "${urls[*]}")" --token drill \
  --fault "$fault" --failovers "${FAILOVERS:-10}" --interval "${INTERVAL:-5s}" --clients "${CLIENTS:-4}"
