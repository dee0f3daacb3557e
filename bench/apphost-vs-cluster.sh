#!/usr/bin/env bash
# Telemetry under load, measured: the load runner's bench and sweep started as the dashboard starts them (resource
# commands, here through the Aspire CLI) on the default AppHost cluster, beside the same commands against
# bench/cluster.sh's plain Release cluster with no telemetry, in one run. Prints both and their ratios.
#   [CONFIGURATION=Debug] [OUT=dir] [APPHOST_ARGS="--KvStore:ProxyEndpoints=true"] [SKIP_CLUSTER=1] bench/apphost-vs-cluster.sh
# APPHOST_ARGS go to the AppHost (the example puts DCP's proxy in front of the nodes); SKIP_CLUSTER=1 measures the AppHost only.
# Installs the Aspire CLI (a dotnet tool) into artifacts/tools when it is not on PATH.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
configuration=${CONFIGURATION:-Debug}
out=${OUT:-$root/artifacts/apphost-vs-cluster}
rm -rf "$out" && mkdir -p "$out"

aspire=$(command -v aspire || true)
if [ -z "$aspire" ]; then
  aspire="$root/artifacts/tools/aspire"
  [ -x "$aspire" ] || dotnet tool install --tool-path "$root/artifacts/tools" Aspire.Cli --version 13.6.5 >/dev/null
fi

dotnet build KvStore.AppHost -c "$configuration" -v q -nologo >/dev/null
dotnet build KvStore.LoadRunner -c Release -v q -nologo >/dev/null
stop() { "$aspire" stop --apphost KvStore.AppHost --non-interactive >/dev/null 2>&1 || true; }
trap stop EXIT

# The AppHost in the background (its own ports: --isolated), in memory as by default and as the bench cluster runs
# (a data directory would make every write wait for fsyncs the other side does not pay), the six nodes healthy, then each load-runner resource
# started and awaited; their reports land in artifacts/bench and artifacts/sweep, as from the dashboard.
"$aspire" start --apphost KvStore.AppHost --no-build --isolated --non-interactive -- ${APPHOST_ARGS:-} >"$out/apphost-start.log" 2>&1
for node in leader follower1 follower2 follower3 follower4 follower5; do
  "$aspire" wait "$node" --status healthy --timeout 300 --apphost KvStore.AppHost --non-interactive >/dev/null
done
for resource in loadrunner-bench loadrunner; do
  "$aspire" resource "$resource" start --apphost KvStore.AppHost --non-interactive >/dev/null
  "$aspire" wait "$resource" --status up --timeout 120 --apphost KvStore.AppHost --non-interactive >/dev/null || true
  "$aspire" wait "$resource" --status down --timeout 600 --apphost KvStore.AppHost --non-interactive >/dev/null
done
cp artifacts/bench/bench.json "$out/apphost-bench.json"
cp artifacts/sweep/sweep.json "$out/apphost-sweep.json"
stop; trap - EXIT

if [ -n "${SKIP_CLUSTER:-}" ]; then
  python3 -c "import json,sys; b=json.load(open('$out/apphost-bench.json')); print(f'bench, 64 clients: AppHost {b[\"opsPerSec\"]:,.0f} writes/s')"
  exit 0
fi

# The same commands on the plain cluster (Release, no OTLP endpoint: no telemetry at all).
lr="dotnet $root/KvStore.LoadRunner/bin/Release/net10.0/KvStore.LoadRunner.dll"
PORT_BASE=${PORT_BASE:-9200} bench/cluster.sh -- bash -c "
  $lr bench --leader \$LEADER_URL --clients 64 --duration 10s --out '$out/cluster-bench' >/dev/null &&
  $lr sweep --leader \$LEADER_URL --out '$out/cluster-sweep' >/dev/null"

python3 - "$out" <<'PY'
import json, sys, os
out = sys.argv[1]
load = lambda p: json.load(open(os.path.join(out, p)))
ab, cb = load("apphost-bench.json"), load("cluster-bench/bench.json")
def tput(b): return b["opsPerSec"]
print(f"bench, 64 clients: AppHost {tput(ab):,.0f} writes/s, bench cluster {tput(cb):,.0f} writes/s: {tput(ab)/tput(cb):.2f}x (target >= 0.7x)")
asw, csw = load("apphost-sweep.json"), load("cluster-sweep/sweep.json")
print("sweep means (ms): quorum | AppHost | bench cluster | ratio (target <= 1.5x)")
for a, c in zip(asw["rows"], csw["rows"]):
    print(f"  {a['quorum']} | {a['meanMs']:.2f} | {c['meanMs']:.2f} | {a['meanMs']/c['meanMs']:.2f}x")
PY
