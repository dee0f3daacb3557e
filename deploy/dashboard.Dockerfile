# The Aspire dashboard, standalone, over the files of the Aspire.Dashboard.Sdk.linux-x64 package (a self-contained
# single-file build: the build context is those files, copied to artifacts/publish/dashboard by deploy/build-images.sh).
# BASE_IMAGE as in node.Dockerfile.
ARG BASE_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0
FROM ${BASE_IMAGE}

RUN command -v curl >/dev/null || (apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*)

WORKDIR /app
COPY . .
USER 1654
# HOME for ASP.NET Core's data-protection keys (the user has none).
ENV HOME=/tmp
# UI, OTLP/gRPC, OTLP/HTTP.
EXPOSE 18888 18889 18890
ENTRYPOINT ["/app/Aspire.Dashboard"]
