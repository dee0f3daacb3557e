using System.Diagnostics;
using System.Net;
using System.Text.Json;
using KvStore.LoadRunner.Diagnostics;

namespace KvStore.LoadRunner.Cluster;

/// <summary>The bench's read path: one <c>GET /read</c> of a prepared URI, as cheap for the load runner as its writes.</summary>
internal sealed partial class KvClient
{
    /// <summary>The <c>GET /read?key=…</c> URI of <paramref name="key"/> on <paramref name="node"/>, built once per key and node.</summary>
    public static Uri ReadUri(Uri node, string key) => new(node, $"/read?key={Uri.EscapeDataString(key)}");

    /// <summary>
    /// One read; a missing key or any failure comes back as a <see cref="WriteResult"/> with a code (a read's
    /// "version" is the one it saw). Only cancellation by <paramref name="cancellationToken"/> throws.
    /// </summary>
    public async Task<WriteResult> BenchReadAsync(Uri readUri, CancellationToken cancellationToken)
    {
        var traced = Sampling.Next();
        using var activity = traced ? LoadRunnerTelemetry.Source.StartActivity("kvstore.read", ActivityKind.Client) : null;
        using var untraced = traced ? null : WriteSampling.Untraced();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, readUri);
            if (!traced)
                request.Headers.TryAddWithoutValidation(WriteSampling.TraceparentHeader, WriteSampling.UnsampledTraceparent());
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var answer = JsonSerializer.Deserialize(await response.Content.ReadAsStreamAsync(cancellationToken), WireJsonContext.Default.ReadVersionAnswer);
                return answer is null ? WriteResult.Failed("empty_response") : WriteResult.Committed(answer.Version);
            }

            var problem = await ReadProblemAsync(response, cancellationToken);
            var code = problem?.Code ?? $"http_{(int)response.StatusCode}";
            activity?.SetStatus(ActivityStatusCode.Error, code);
            return WriteResult.Failed(code);
        }
        catch (Exception e) when (FailureCode(e, cancellationToken) is { } code)
        {
            return WriteResult.Failed(code);
        }
    }
}
