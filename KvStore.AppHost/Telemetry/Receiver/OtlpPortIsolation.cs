namespace KvStore.AppHost.Telemetry.Receiver;

/// <summary>
/// One web host serves the dashboard and both OTLP ports. OTLP is unauthenticated (or API-key protected) while the
/// dashboard needs the browser login, so each port answers only its own endpoints: the pages, login and API are not
/// reachable through an OTLP port, and the OTLP endpoints not through the dashboard's.
/// </summary>
internal static class OtlpPortIsolation
{
    public static IApplicationBuilder UseOtlpPortIsolation(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var arrivedOn = context.Features.Get<OtlpConnectionFeature>()?.Protocol;
            var servedOn = context.GetEndpoint()?.Metadata.GetMetadata<OtlpEndpointMetadata>()?.Protocol;
            if (arrivedOn != servedOn)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
}
