# etcd for the Compose deployment (FAILOVER=etcd): the `etcd` binary of Debian's etcd-server package, which
# deploy/build-images.sh extracts into the build context (artifacts/publish/etcd) on the host, so the build needs
# neither a registry nor a network. The binary links only glibc, which every BASE_IMAGE has. BASE_IMAGE as in
# node.Dockerfile.
ARG BASE_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0
FROM ${BASE_IMAGE}

# curl for the health check; already in the Debian-built base, added to Microsoft's (which has apt).
RUN command -v curl >/dev/null || (apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*)

# The data volume: a fresh named volume takes this folder's owner and mode, so etcd (not root) owns it, with the
# 0700 etcd asks of its data directory.
RUN mkdir -p /var/lib/etcd && chown 1654:1654 /var/lib/etcd && chmod 0700 /var/lib/etcd

COPY etcd /usr/local/bin/etcd
USER 1654
EXPOSE 2379
# /health answers {"health":"true"} with 200 once the member has a raft leader (itself) and serves requests, 503 otherwise.
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=10 CMD ["curl", "-fsS", "-o", "/dev/null", "http://localhost:2379/health"]
ENTRYPOINT ["/usr/local/bin/etcd"]
# Without arguments (docker run kvstore/etcd): one member on the container's loopback, data in the volume's folder.
CMD ["--data-dir", "/var/lib/etcd"]
