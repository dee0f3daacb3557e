#!/usr/bin/env bash
# What telemetry costs a write, signal by signal: the load runner's bench (64 clients, quorum 3) against
# bench/cluster.sh's Release cluster, once with no telemetry and once per configuration below, every node and the
# load runner exporting to a real Aspire dashboard (the one the AppHost runs, started here on its own) with the
# settings Aspire injects (1 s metric and batch intervals, parent-based sampling; our AppHost exports metrics every 5 s
# instead, see all5s), the load runner tracing its default one write in 10,000. ROUNDS alternating rounds; prints writes/s per configuration and its ratio to "off".
#   [ROUNDS=2] [DURATION=10s] [CONFIGS="off all traces metrics logs"] [OUT=dir] bench/telemetry-cost.sh
# More configurations: all5s (metrics every 5 s), noscope (no per-request log scope), apphost (as the AppHost runs
# its projects: all5s without dynamic PGO), nopgo (no telemetry, no dynamic PGO).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
rounds=${ROUNDS:-2}
duration=${DURATION:-10s}
configs=${CONFIGS:-off all traces metrics logs}
out=${OUT:-$root/artifacts/telemetry-cost}
rm -rf "$out" && mkdir -p "$out"

# The dashboard comes from the Aspire.Dashboard.Sdk package the AppHost restores.
dotnet build KvStore.AppHost -v q -nologo >/dev/null
dotnet build KvStore.LoadRunner -c Release -v q -nologo >/dev/null
packages=$(dotnet nuget locals global-packages -l | sed 's/^global-packages: //')
dashboard=$(ls -d "$packages"/aspire.dashboard.sdk.linux-x64/*/tools/Aspire.Dashboard | sort -V | tail -1)
otlp_port=${OTLP_PORT:-14317}
ASPNETCORE_URLS=http://127.0.0.1:${DASHBOARD_PORT:-14318} ASPNETCORE_ENVIRONMENT=Production \
  ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:$otlp_port \
  Dashboard__Otlp__AuthMode=Unsecured Dashboard__Frontend__AuthMode=Unsecured ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true \
  "$dashboard" >"$out/dashboard.log" 2>&1 &
dashboard_pid=$!
trap 'kill $dashboard_pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$otlp_port") 2>/dev/null && break; sleep 0.1; done

common=(OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$otlp_port OTEL_EXPORTER_OTLP_PROTOCOL=grpc
  OTEL_METRIC_EXPORT_INTERVAL=1000 OTEL_BSP_SCHEDULE_DELAY=1000 OTEL_BLRP_SCHEDULE_DELAY=1000
  OTEL_TRACES_SAMPLER=parentbased_always_on Logging__LogLevel__Default=Information)
settings() { # config -> NAME=VALUE lines for the nodes and the load runner
  case "$1" in
    off) ;;
    all) printf '%s\n' "${common[@]}" ;;
    traces) printf '%s\n' "${common[@]}" OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none ;;
    metrics) printf '%s\n' "${common[@]}" OTEL_TRACES_EXPORTER=none OTEL_LOGS_EXPORTER=none ;;
    logs) printf '%s\n' "${common[@]}" OTEL_TRACES_EXPORTER=none OTEL_METRICS_EXPORTER=none ;;
    # All three, metrics exported every 5 s instead of every second.
    all5s) printf '%s\n' "${common[@]}" OTEL_METRIC_EXPORT_INTERVAL=5000 ;;
    # What the AppHost gives its nodes and load runner: all three, metrics every 5 s, no dynamic PGO; and PGO off alone.
    apphost) printf '%s\n' "${common[@]}" OTEL_METRIC_EXPORT_INTERVAL=5000 DOTNET_TieredPGO=0 ;;
    nopgo) echo DOTNET_TieredPGO=0 ;;
    # All three without ASP.NET Core's per-request log scope (its category off: no request logs, no scope).
    noscope) printf '%s\n' "${common[@]}" Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics=None ;;
    *) echo "unknown configuration $1" >&2; exit 2 ;;
  esac
}

lr="$root/KvStore.LoadRunner/bin/Release/net10.0/KvStore.LoadRunner.dll"
for round in $(seq "$rounds"); do
  for config in $configs; do
    mapfile -t env_lines < <(settings "$config")
    args=(); for e in "${env_lines[@]}"; do args+=(--env "$e"); done
    bench/cluster.sh "${args[@]}" -- env "${env_lines[@]}" OTEL_SERVICE_NAME=loadrunner \
      dotnet "$lr" bench --leader http://127.0.0.1:8000 --clients 64 --duration "$duration" --out "$out/$config-$round" >/dev/null
    python3 -c "import json; print(f'round $round $config: {json.load(open(\"$out/$config-$round/bench.json\"))[\"opsPerSec\"]:,.0f} writes/s')"
  done
done

python3 - "$out" "$rounds" $configs <<'PY'
import json, os, statistics, sys
out, rounds, configs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
tput = {c: [json.load(open(os.path.join(out, f"{c}-{r}", "bench.json")))["opsPerSec"] for r in range(1, rounds + 1)] for c in configs}
base = statistics.median(tput["off"]) if "off" in tput else None
print("configuration | writes/s (median of rounds) | / off")
for c in configs:
    m = statistics.median(tput[c])
    print(f"{c} | {m:,.0f} ({min(tput[c]):,.0f}-{max(tput[c]):,.0f}) | " + (f"{m / base:.2f}x" if base else "-"))
PY
