#!/usr/bin/env bash
# The Redis reference for KvStore's benchmarks: Redis with one primary and five replicas on 127.0.0.1:7000-7005, as
# many clients as KvStore's runs, each doing SET then WAIT <quorum> (semi-synchronous like KvStore's quorum writes).
# Prints one JSON line ({opsPerSec, p50Ms, p99Ms, meanMs, ...}) and stops Redis again.
#   bench/redis-reference.sh [quorum=3] [clients=64] [total-ops=20000] [keys=10]
#   bench/redis-reference.sh read [clients=64] [total-ops=20000] [keys=10]: GET spread over the five replicas instead.
#   REDIS_FSYNC=always|everysec turns on the append-only file on all six: the durable comparison.
# Installs redis-server (Debian) and the ioredis client (npm) into a temporary folder when missing.
set -euo pipefail
quorum=${1:-3}; clients=${2:-64}; total=${3:-20000}; keys=${4:-10}
here=$(cd "$(dirname "$0")" && pwd)
command -v redis-server >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }
work=$(mktemp -d)
ports=(7000 7001 7002 7003 7004 7005)
stop() { for p in "${ports[@]}"; do redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true; done; rm -rf "$work"; }
trap stop EXIT

(cd "$work" && npm init -y >/dev/null && npm install --silent ioredis@5 >/dev/null)
cp "$here/redis-wait.js" "$work/"
for p in "${ports[@]}"; do
  mkdir -p "$work/r$p"
  replica=(); [ "$p" != 7000 ] && replica=(--replicaof 127.0.0.1 7000)
  aof=(--appendonly no); [ -n "${REDIS_FSYNC:-}" ] && aof=(--appendonly yes --appendfsync "$REDIS_FSYNC")
  redis-server --port "$p" --bind 127.0.0.1 --save '' "${aof[@]}" --dir "$work/r$p" --daemonize yes --logfile "$work/r$p/log" "${replica[@]}"
done
# Until the primary reports its five replicas online (10 s at most).
for _ in $(seq 100); do
  [ "$(redis-cli -p 7000 info replication | grep -c 'state=online' || true)" = 5 ] && break
  sleep 0.1
done
node "$work/redis-wait.js" "$quorum" "$clients" "$total" "$keys"
