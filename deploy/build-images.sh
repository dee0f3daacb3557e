#!/usr/bin/env bash
# Publishes the node Native AOT for linux-x64 (deploy/publish-node.sh), copies the Aspire dashboard out of its NuGet package and the etcd
# binary out of Debian's etcd-server package, and builds their images, kvstore/node, kvstore/dashboard and kvstore/etcd,
# the ones docker-compose.yml runs.
#
# The base image: BASE_IMAGE if set; else Microsoft's runtime-deps when a registry answers; else kvstore/runtime-deps:10.0,
# built from Debian packages by deploy/build-base-image.sh (once: it is kept and reused).
# etcd: `apt-get download etcd-server` (the host's apt sources; no network inside docker build), else the etcd-server
# package installed on the host, else ETCD_BINARY=/path/to/etcd.
# Usage: deploy/build-images.sh   (from anywhere; CONFIGURATION=Release by default)
set -euo pipefail
cd "$(dirname "$0")/.."

configuration=${CONFIGURATION:-Release}
microsoft_base=mcr.microsoft.com/dotnet/runtime-deps:10.0
local_base=kvstore/runtime-deps:10.0

if [ -z "${BASE_IMAGE:-}" ]; then
  if docker image inspect "$microsoft_base" >/dev/null 2>&1 || timeout 60 docker pull -q "$microsoft_base" >/dev/null 2>&1; then
    BASE_IMAGE=$microsoft_base
  else
    echo "build-images: $microsoft_base cannot be pulled; using $local_base built from Debian packages"
    deploy/build-base-image.sh "$local_base"
    BASE_IMAGE=$local_base
  fi
fi

echo "build-images: publishing the node (Native AOT, linux-x64, $configuration)"
CONFIGURATION=$configuration deploy/publish-node.sh artifacts/publish/node

# The dashboard the AppHost runs: the Aspire.Dashboard.Sdk package its SDK restores, at the version the build uses.
dotnet restore KvStore.AppHost --nologo -v quiet >/dev/null
version=$(sed -n 's:.*<AspireVersion>\(.*\)</AspireVersion>.*:\1:p' Directory.Packages.props)
packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
dashboard="$packages/aspire.dashboard.sdk.linux-x64/$version/tools"
[ -x "$dashboard/Aspire.Dashboard" ] || { echo "build-images: no Aspire dashboard at $dashboard" >&2; exit 1; }
rm -rf artifacts/publish/dashboard && mkdir -p artifacts/publish && cp -r "$dashboard" artifacts/publish/dashboard
# NuGet extracts files for their owner only; the image runs the dashboard as an unprivileged user.
chmod -R a+rX artifacts/publish/dashboard

# etcd from Debian's package: downloaded and unpacked without installing it (nothing starts, no root needed).
rm -rf artifacts/publish/etcd && mkdir -p artifacts/publish/etcd
if [ -n "${ETCD_BINARY:-}" ]; then
  cp "$ETCD_BINARY" artifacts/publish/etcd/etcd
else
  deb=$(mktemp -d /tmp/kvstore-etcd-deb.XXXXXX)
  # As root, apt downloads as its _apt user, which must be able to write here.
  if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$deb"; fi
  if (cd "$deb" && apt-get download -q etcd-server >/dev/null 2>&1); then
    dpkg-deb -x "$deb"/etcd-server_*.deb "$deb/root"
    cp "$deb/root/usr/bin/etcd" artifacts/publish/etcd/etcd
    echo "build-images: etcd $(dpkg-deb -f "$deb"/etcd-server_*.deb Version) from Debian's etcd-server package"
  elif [ "$(dpkg-query -W -f '${Status}' etcd-server 2>/dev/null)" = "install ok installed" ]; then
    cp /usr/bin/etcd artifacts/publish/etcd/etcd
    echo "build-images: etcd $(dpkg-query -W -f '${Version}' etcd-server) from the installed etcd-server package"
  else
    rm -rf "$deb"
    echo "build-images: cannot get etcd-server (apt-get download failed: apt-get update?); or set ETCD_BINARY=/path/to/etcd" >&2
    exit 1
  fi
  rm -rf "$deb"
fi
chmod a+rx artifacts/publish/etcd/etcd

for image in node dashboard etcd; do
  echo "build-images: kvstore/$image on $BASE_IMAGE"
  docker build -q -f "deploy/$image.Dockerfile" --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "kvstore/$image" "artifacts/publish/$image" >/dev/null
done
echo "build-images: done (kvstore/node, kvstore/dashboard, kvstore/etcd)"
