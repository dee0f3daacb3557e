# The dashboard: the AppHost in dashboard-only mode (no child processes; it watches the deployment's services through
# their service-discovery URLs and receives their OTLP telemetry), over its self-contained build output (the build
# context: deploy/build-images.sh publishes it to artifacts/publish/dashboard). BASE_IMAGE as in node.Dockerfile.
ARG BASE_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0
FROM ${BASE_IMAGE}

RUN command -v curl >/dev/null || (apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*)

WORKDIR /app
COPY . .
USER 1654
# UI, OTLP/gRPC, OTLP/HTTP.
EXPOSE 18888 18889 18890
ENTRYPOINT ["/app/KvStore.AppHost", "--dashboard-only"]
