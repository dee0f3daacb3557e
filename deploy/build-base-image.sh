#!/usr/bin/env bash
# Builds a base image equivalent to mcr.microsoft.com/dotnet/runtime-deps:10.0 from Debian packages, for machines that
# reach Debian's archive but no image registry: debootstrap --variant=minbase bookworm, plus what a self-contained or Native AOT .NET
# app needs (glibc, libgcc, libstdc++, OpenSSL, zlib, ICU, CA certificates, time zones) and curl for health checks;
# then `docker import`. The node runs with invariant globalization; the Aspire dashboard needs ICU.
#
# Usage: deploy/build-base-image.sh [IMAGE]   (default kvstore/runtime-deps:10.0; FORCE=1 rebuilds an existing image)
# Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian), FORCE=1. Needs root and debootstrap.
set -euo pipefail

image=${1:-kvstore/runtime-deps:10.0}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

# An existing image is kept, unless it predates ICU in it.
if [ "${FORCE:-0}" != 1 ] && docker image inspect "$image" >/dev/null 2>&1 &&
  docker run --rm "$image" sh -c 'ls /usr/lib/*/libicuuc.so.* >/dev/null 2>&1'; then
  echo "build-base-image: $image already exists (FORCE=1 rebuilds it)"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "build-base-image: debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }

packages=ca-certificates,curl,libc6,libgcc-s1,libstdc++6,libssl3,zlib1g,libicu72,tzdata

root=$(mktemp -d /tmp/kvstore-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT

echo "build-base-image: debootstrap bookworm into $root ($packages)"
debootstrap --variant=minbase --include="$packages" bookworm "$root" "$mirror" >"$root.log" 2>&1 \
  || { tail -n 30 "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"

# What an image does not need: package caches and lists, documentation, locale translations.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* \
  "$root"/usr/share/info/* "$root"/usr/share/locale/* "$root"/var/log/*

# The same user as Microsoft's images (app, uid 1654), so the Dockerfiles can say USER app either way.
chroot "$root" /usr/sbin/groupadd --gid 1654 app
chroot "$root" /usr/sbin/useradd --uid 1654 --gid 1654 --create-home --shell /bin/false app

tar -C "$root" -c . | docker import \
  --change 'ENV APP_UID=1654' \
  --change 'ENV DOTNET_RUNNING_IN_CONTAINER=true' \
  --change 'ENV ASPNETCORE_HTTP_PORTS=8080' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/bin/bash"]' \
  - "$image" >/dev/null
echo "build-base-image: built $image ($(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
