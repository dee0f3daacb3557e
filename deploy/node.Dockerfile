# The KvStore node: its Native AOT executable (the build context: deploy/build-images.sh publishes it to
# artifacts/publish/node with deploy/publish-node.sh). BASE_IMAGE is Microsoft's
# runtime-deps by default, or the equivalent built from Debian packages by deploy/build-base-image.sh.
ARG BASE_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0
FROM ${BASE_IMAGE}

# curl for the Compose health check; already in the Debian-built base, added to Microsoft's (which has apt).
RUN command -v curl >/dev/null || (apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*)

# DATA_DIR's volume: a fresh named volume takes this folder's owner, so the node (not root) can write it.
RUN mkdir -p /data && chown 1654:1654 /data

WORKDIR /app
COPY . .
USER 1654
ENV HTTP_PORTS=8080 DATA_DIR=/data
EXPOSE 8080
ENTRYPOINT ["/app/KvStore.Node"]
