#!/usr/bin/env bash
# Restart time and memory of a node holding KEYS keys of VALUE_BYTES bytes, beside Redis loading the same data:
# builds the DATA_DIR once with bench/populate-data-dir.cs, then, RUNS rounds alternating, starts on it
#   jit:   the Release build under `dotnet` (what the AppHost and bench/cluster.sh run),
#   aot:   the Native AOT executable the Compose images run (deploy/publish-node.sh; AOT=0 leaves it out),
#   redis: redis-server on an RDB of KEYS keys of VALUE_BYTES bytes (DEBUG POPULATE; left out without redis-server),
# timing process start to a healthy /health (Redis: to PONG, which it refuses while loading), with the resident memory
# (VmRSS) once loaded and Redis's used_memory. Ends with the medians and the ratios to Redis.
#   bench/restart-time.sh [keys=1000000] [value-bytes=100] [runs=3]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keys=${1:-1000000}; value_bytes=${2:-100}; runs=${3:-3}
port=${PORT:-9500}
data=$(mktemp -d)
pid=0
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT

dotnet build "$root/KvStore.Node" -c Release -v q -nologo >/dev/null
kinds=(jit)
if [ "${AOT:-1}" = 1 ]; then "$root/deploy/publish-node.sh" "$data/aot" >&2; kinds+=(aot); fi
dotnet run "$root/bench/populate-data-dir.cs" -- "$data/leader" "$keys" "$value_bytes" >&2
if command -v redis-server >/dev/null; then
  mkdir "$data/redis"
  redis-server --port "$port" --dir "$data/redis" --save '' --appendonly no --enable-debug-command yes --daemonize no >/dev/null &
  pid=$!
  until redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; do sleep 0.02; done
  redis-cli -p "$port" debug populate "$keys" key "$value_bytes" >/dev/null
  redis-cli -p "$port" save >/dev/null
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  wait "$pid" 2>/dev/null || true
  kinds+=(redis)
fi

results=$(mktemp)
for run in $(seq "$runs"); do
  for kind in "${kinds[@]}"; do
    start=$(date +%s.%N)
    case $kind in
      redis)
        redis-server --port "$port" --dir "$data/redis" --save '' --appendonly no --daemonize no >/dev/null &
        pid=$!
        until redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; do sleep 0.02; done ;;
      *)
        if [ "$kind" = aot ]; then node=("$data/aot/KvStore.Node"); else node=(dotnet "$root/KvStore.Node/bin/Release/net10.0/KvStore.Node.dll"); fi
        ROLE=leader NODE_NAME=leader REPLICATION_TOKEN=bench WRITE_QUORUM=0 DATA_DIR="$data/leader" \
          ASPNETCORE_URLS=http://127.0.0.1:$port Logging__LogLevel__Default=Warning "${node[@]}" >/dev/null 2>&1 &
        pid=$!
        until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.02; done ;;
    esac
    end=$(date +%s.%N)
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    if [ "$kind" = redis ]; then
      held="\"dbsize\":$(redis-cli -p "$port" dbsize),\"usedMemoryMiB\":$(( $(redis-cli -p "$port" info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p') / 1048576 ))"
      redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
    else
      held=$(curl -s "http://127.0.0.1:$port/cluster" | grep -o '"lastIndex":[0-9]*')
      kill "$pid"
    fi
    wait "$pid" 2>/dev/null || true
    printf '{"run":%d,"kind":"%s","keys":%d,"valueBytes":%d,"restartSeconds":%.2f,"rssMiB":%d,%s}\n' \
      "$run" "$kind" "$keys" "$value_bytes" "$(echo "$end - $start" | bc)" "$((rss / 1024))" "$held" | tee -a "$results"
  done
done

python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
med = {k: statistics.median(r["restartSeconds"] for r in rows if r["kind"] == k) for k in dict.fromkeys(r["kind"] for r in rows)}
rss = {k: statistics.median(r["rssMiB"] for r in rows if r["kind"] == k) for k in med}
for k in med:
    ratio = f", {med[k] / med['redis']:.2f}x Redis" if "redis" in med and k != "redis" else ""
    print(f"{k}: median restart {med[k]:.2f} s{ratio}, resident {rss[k]:.0f} MiB")
PY
