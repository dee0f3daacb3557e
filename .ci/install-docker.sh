#!/usr/bin/env bash
# Installs and starts a Docker engine for the Compose end-to-end test (DESIGN.md, "Machine facts"): Debian's docker.io,
# docker-compose (Compose v1) and debootstrap (the base image is built from Debian packages: there is no registry).
# Idempotent: installs only what is missing and starts dockerd only when no engine answers. Run as root.
# Environment: DOCKERD_LOG (default /var/log/dockerd.log), DOCKERD_WAIT_SECONDS (default 60).
set -euo pipefail

log=${DOCKERD_LOG:-/var/log/dockerd.log}
deadline_seconds=${DOCKERD_WAIT_SECONDS:-60}

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-docker: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if docker info >/dev/null 2>&1; then
  echo "install-docker: the Docker engine is already running"
  exit 0
fi

# No systemd in a CI container: start the daemon ourselves, detached from this shell so it outlives it.
echo "install-docker: starting dockerd (log: $log)"
mkdir -p "$(dirname "$log")"
setsid nohup dockerd >>"$log" 2>&1 </dev/null &

end=$((SECONDS + deadline_seconds))
until docker info >/dev/null 2>&1; do
  if [ $SECONDS -ge $end ]; then
    echo "install-docker: dockerd did not answer within ${deadline_seconds} s; the end of $log:" >&2
    tail -n 30 "$log" >&2 || true
    exit 1
  fi
  sleep 0.5
done
echo "install-docker: dockerd is ready ($(docker version --format '{{.Server.Version}}'))"
