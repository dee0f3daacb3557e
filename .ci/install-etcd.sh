#!/usr/bin/env bash
# Installs the etcd server the FAILOVER=etcd tests run (Debian's etcd-server 3.4, binary `etcd`), if it is missing.
# Idempotent. Starts nothing: the package's systemd unit is not run here, and each test starts its own etcd on free
# loopback ports with a temporary data directory. deploy/build-images.sh takes the kvstore/etcd image's binary from
# this package when `apt-get download etcd-server` cannot fetch it.
set -euo pipefail
if command -v etcd >/dev/null; then
  exit 0
fi
apt-get update -qq
# policy-rc.d 101 forbids the maintainer scripts from starting the daemon on machines that run services.
policy=/usr/sbin/policy-rc.d
created=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod +x "$policy"
  created=1
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends etcd-server >/dev/null
[ -z "$created" ] || rm -f "$policy"
command -v etcd >/dev/null
etcd --version | head -n 1
