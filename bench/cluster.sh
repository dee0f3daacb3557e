#!/usr/bin/env bash
# Starts a 1 + 5 KvStore cluster of Release builds on 127.0.0.1:8000-8005 (PORT_BASE moves them), runs the given
# command against it, stops it.
#   bench/cluster.sh [--env NAME=VALUE ...] -- COMMAND...
# Node settings come from the environment and --env (e.g. --env MIN_DELAY=0 --env MAX_DELAY=0 --env FSYNC=never);
# --env DATA_DIR=DIR gives each node DIR/<name>. The command sees LEADER_URL and LEADER_PID.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
envs=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case "$1" in --env) envs+=("$2"); shift 2 ;; *) echo "usage: $0 [--env N=V ...] -- COMMAND..." >&2; exit 2 ;; esac
done
shift || true
[ $# -gt 0 ] || { echo "usage: $0 [--env N=V ...] -- COMMAND..." >&2; exit 2; }

base=${PORT_BASE:-8000}
ports=($base $((base+1)) $((base+2)) $((base+3)) $((base+4)) $((base+5)))
for p in "${ports[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "port $p is already in use; stop whatever listens there first" >&2; exit 1; fi
done
dll=${NODE_DLL:-}
if [ -z "$dll" ]; then
  dotnet build "$root/KvStore.Node" -c Release -v q -nologo >/dev/null
  dll="$root/KvStore.Node/bin/Release/net10.0/KvStore.Node.dll"
fi
# NODE_DLL may also name a native executable: the node published Native AOT (artifacts/publish/node/KvStore.Node).
case "$dll" in *.dll) node=(dotnet "$dll") ;; *) node=("$dll") ;; esac
logs=$(mktemp -d)
pids=()
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT

data_dir=""
for e in "${envs[@]}"; do case "$e" in DATA_DIR=*) data_dir=${e#DATA_DIR=} ;; esac; done
node_env() { # name
  local out=()
  for e in "${envs[@]}"; do case "$e" in DATA_DIR=*) ;; *) out+=("$e") ;; esac; done
  [ -n "$data_dir" ] && out+=("DATA_DIR=$data_dir/$1")
  [ ${#out[@]} -eq 0 ] || printf '%s\n' "${out[@]}"
}

followers=()
for i in 1 2 3 4 5; do
  mapfile -t extra < <(node_env follower$i)
  env ROLE=follower NODE_NAME=follower$i LEADER=http://127.0.0.1:$base REPLICATION_TOKEN=bench \
    ASPNETCORE_URLS=http://127.0.0.1:${ports[$i]} Logging__LogLevel__Default=Warning "${extra[@]}" \
    "${node[@]}" >"$logs/follower$i.log" 2>&1 &
  pids+=($!); followers+=("http://127.0.0.1:${ports[$i]}")
done
mapfile -t extra < <(node_env leader)
env ROLE=leader NODE_NAME=leader REPLICATION_TOKEN=bench FOLLOWERS="$(IFS=,; echo "${followers[*]}")" \
  ASPNETCORE_URLS=http://127.0.0.1:$base Logging__LogLevel__Default=Warning "${extra[@]}" \
  "${node[@]}" >"$logs/leader.log" 2>&1 &
pids+=($!)

for p in "${ports[@]}"; do
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$p/health" >/dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$p/health" >/dev/null || { echo "node on $p did not start; logs in $logs" >&2; tail -5 "$logs"/*.log >&2; exit 1; }
done
export LEADER_URL=http://127.0.0.1:$base LEADER_PID=${pids[5]}
"$@"
