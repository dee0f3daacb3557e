#!/usr/bin/env bash
# Publishes the node Native AOT for linux-x64: one native executable, OUT/KvStore.Node (default
# artifacts/publish/node), with no .NET runtime to load and no JIT at start. The Compose images run it, and
# bench/restart-time.sh and bench/cluster.sh (NODE_DLL=OUT/KvStore.Node) can measure it beside the JIT build.
# Needs a C toolchain for the native link (gcc or clang, and zlib1g-dev): .ci/run installs gcc.
# Usage: deploy/publish-node.sh [OUT]   (CONFIGURATION=Release by default)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-artifacts/publish/node}
command -v clang >/dev/null || command -v gcc >/dev/null ||
  { echo "publish-node: Native AOT links with clang or gcc, and neither is installed (apt-get install gcc zlib1g-dev)" >&2; exit 1; }
rm -rf "$out"
dotnet publish KvStore.Node/KvStore.Node.csproj -c "${CONFIGURATION:-Release}" -r linux-x64 -p:PublishAot=true -o "$out" \
  --nologo -v quiet -nodeReuse:false
# The native symbols (KvStore.Node.dbg, about twice the executable) stay out of the image.
rm -f "$out"/*.dbg
echo "publish-node: $out/KvStore.Node ($(du -m "$out/KvStore.Node" | cut -f1) MB, Native AOT)"
