#!/usr/bin/env bash
# CPU time per acknowledged write of the leader process (and of the five followers together), for two builds of the
# node side by side: lag off, in memory, quorum 3, 64 clients. Rounds alternate the builds on fresh clusters, since
# this machine's speed drifts within minutes; prints a Markdown table of medians.
#   [ROUNDS=3] [SECS=10] [ENVS="NAME=VALUE ..."] bench/cpu-per-write.sh BASE_REF [NEW_REF, default the working tree]
# ENVS go to every node and to the load runner, e.g. an OTLP endpoint to measure the builds with telemetry on.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
base_ref=${1:?usage: $0 BASE_REF [NEW_REF]}
new_ref=${2:-}
rounds=${ROUNDS:-3}
secs=${SECS:-10}
out=${OUT:-$root/artifacts/cpu-per-write}
rm -rf "$out"; mkdir -p "$out"

build() { # ref dir: a Release build of the node at ref (the working tree when ref is empty) into dir
  local src=$root
  if [ -n "$1" ]; then
    src="$out/src-$(basename "$2")"
    git -C "$root" worktree add --detach "$src" "$1" >/dev/null 2>&1
  fi
  dotnet publish "$src/KvStore.Node" -c Release -o "$2" -v q -nologo >/dev/null
  [ -z "$1" ] || git -C "$root" worktree remove --force "$src"
}
build "$base_ref" "$out/base"
build "$new_ref" "$out/new"
dotnet build "$root/KvStore.LoadRunner" -c Release -v q -nologo >/dev/null
lr="dotnet $root/KvStore.LoadRunner/bin/Release/net10.0/KvStore.LoadRunner.dll"

# Runs inside bench/cluster.sh: a warm-up, then the measured bench with every node's CPU ticks read around it.
cat >"$out/measure.sh" <<EOF
#!/usr/bin/env bash
set -euo pipefail
ticks() { awk '{print \$14 + \$15}' /proc/\$1/stat; }
env ${ENVS:-} $lr bench --leader "\$LEADER_URL" --clients 64 --quorum 3 --duration 15s --warmup 1s --keys 1000 --out "\$OUT_DIR/warmup" >/dev/null
all=\$(pgrep -f "\$NODE_DLL")
l0=\$(ticks \$LEADER_PID); a0=0; for p in \$all; do a0=\$((a0 + \$(ticks \$p))); done
env ${ENVS:-} $lr bench --leader "\$LEADER_URL" --clients 64 --quorum 3 --duration ${secs}s --warmup 0s --keys 1000 --out "\$OUT_DIR/run" >/dev/null
l1=\$(ticks \$LEADER_PID); a1=0; for p in \$all; do a1=\$((a1 + \$(ticks \$p))); done
echo "\$((l1 - l0)) \$((a1 - a0 - (l1 - l0)))" >"\$OUT_DIR/ticks"
EOF
chmod +x "$out/measure.sh"

hz=$(getconf CLK_TCK)
env_args=(); for e in ${ENVS:-}; do env_args+=(--env "$e"); done
for r in $(seq 1 "$rounds"); do
  for build in base new; do
    dir="$out/$build-$r"; mkdir -p "$dir"
    OUT_DIR=$dir NODE_DLL="$out/$build/KvStore.Node.dll" PORT_BASE=${PORT_BASE:-9300} \
      "$root/bench/cluster.sh" --env MIN_DELAY=0 --env MAX_DELAY=0 "${env_args[@]}" -- "$out/measure.sh"
    read -r lt ft <"$dir/ticks"
    succeeded=$(grep -o '"succeeded": *[0-9]*' "$dir/run/bench.json" | grep -o '[0-9]*$')
    awk -v lt="$lt" -v ft="$ft" -v n="$succeeded" -v hz="$hz" -v s="$secs" -v b="$build" -v r="$r" \
      'BEGIN { printf "%s %d %.0f %.2f %.2f\n", b, r, n / s, lt / hz * 1e6 / n, ft / hz * 1e6 / n }' >>"$out/rounds.txt"
  done
done

echo "| build | writes/s | leader CPU µs/write | followers' CPU µs/write (all five) |"
echo "| --- | ---: | ---: | ---: |"
for build in base new; do
  awk -v b="$build" '$1 == b { w[++n] = $3; l[n] = $4; f[n] = $5 }
    function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }; return a[int((n + 1) / 2)] }
    END { printf "| %s | %.0f | %.1f | %.1f |\n", b, median(w, n), median(l, n), median(f, n) }' "$out/rounds.txt"
done
echo; echo "rounds (build round writes/s leader-us follower-us): $out/rounds.txt"
