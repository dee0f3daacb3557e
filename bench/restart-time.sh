#!/usr/bin/env bash
# Restart time and memory of a node holding KEYS keys of VALUE_BYTES bytes: builds the DATA_DIR once with
# bench/populate-data-dir.cs, then starts a leader on it RUNS times, timing process start to a healthy /health,
# and reports its resident memory (VmRSS) and managed heap once loaded.
#   bench/restart-time.sh [keys=1000000] [value-bytes=100] [runs=3]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keys=${1:-1000000}; value_bytes=${2:-100}; runs=${3:-3}
port=${PORT:-9500}
data=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT
dotnet build "$root/KvStore.Node" -c Release -v q -nologo >/dev/null
dotnet run "$root/bench/populate-data-dir.cs" -- "$data/leader" "$keys" "$value_bytes" >&2
pid=0
for run in $(seq "$runs"); do
  start=$(date +%s.%N)
  ROLE=leader NODE_NAME=leader REPLICATION_TOKEN=bench WRITE_QUORUM=0 DATA_DIR="$data/leader" \
    ASPNETCORE_URLS=http://127.0.0.1:$port Logging__LogLevel__Default=Warning \
    dotnet "$root/KvStore.Node/bin/Release/net10.0/KvStore.Node.dll" >/dev/null 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.02; done
  end=$(date +%s.%N)
  count=$(curl -s "http://127.0.0.1:$port/cluster" | grep -o '"lastIndex":[0-9]*')
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  printf '{"run":%d,"keys":%d,"valueBytes":%d,"restartSeconds":%.2f,"rssMiB":%d,%s}\n' \
    "$run" "$keys" "$value_bytes" "$(echo "$end - $start" | bc)" "$((rss / 1024))" "$count"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
