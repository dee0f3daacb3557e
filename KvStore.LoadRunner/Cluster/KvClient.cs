using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KvStore.LoadRunner.Diagnostics;

namespace KvStore.LoadRunner.Cluster;

/// <summary>The node API calls the load runner makes, each one a client span.</summary>
internal sealed partial class KvClient(HttpClient http, Uri leader)
{
    private const string ProblemMediaType = "application/problem+json";
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    /// <summary>Where writes go now; replaced only by <see cref="FollowLeader"/>'s re-discovery (KvClient.Following.cs).</summary>
    private volatile WriteTarget _target = new(leader);

    public Uri Leader => _target.Leader;

    public TimeSpan Timeout => http.Timeout;

    /// <summary>Which writes are traced (<c>--trace-every</c>); every one unless a command says otherwise.</summary>
    public WriteSampling Sampling { get; set; } = WriteSampling.All;

    /// <summary>
    /// One <c>POST /write</c>. Failures the node or the network report come back as a <see cref="WriteResult"/> with
    /// a code; only cancellation by <paramref name="cancellationToken"/> throws.
    /// </summary>
    public Task<WriteResult> WriteAsync(string key, string value, int quorum, CancellationToken cancellationToken) =>
        Sampling.Next() ? TracedWriteAsync(key, value, quorum, cancellationToken) : UntracedWriteAsync(key, value, quorum, cancellationToken);

    private async Task<WriteResult> UntracedWriteAsync(string key, string value, int quorum, CancellationToken cancellationToken)
    {
        using var untraced = WriteSampling.Untraced();
        return await SendWriteAsync(key, value, quorum, WriteSampling.UnsampledTraceparent(), cancellationToken);
    }

    private async Task<WriteResult> TracedWriteAsync(string key, string value, int quorum, CancellationToken cancellationToken)
    {
        using var activity = LoadRunnerTelemetry.Source.StartActivity("kvstore.write", ActivityKind.Client);
        activity?.SetTag("kvstore.key", key);
        activity?.SetTag("kvstore.quorum", quorum);

        var result = await SendWriteAsync(key, value, quorum, traceparent: null, cancellationToken);
        if (result.Succeeded)
        {
            activity?.SetTag("kvstore.version", result.Version);
        }
        else
        {
            activity?.SetTag("error.type", result.ErrorCode);
            activity?.SetStatus(ActivityStatusCode.Error, result.ErrorCode);
        }

        return result;
    }

    /// <summary><c>GET /cluster</c> on the leader; throws <see cref="ClusterUnreachableException"/> when that fails.</summary>
    public async Task<ClusterAnswer> GetClusterAsync(CancellationToken cancellationToken)
    {
        using var activity = LoadRunnerTelemetry.Source.StartActivity("kvstore.cluster", ActivityKind.Client);
        var uri = new Uri(Leader, "/cluster");
        try
        {
            using var response = await http.GetAsync(uri, cancellationToken);
            if (response.StatusCode == HttpStatusCode.MisdirectedRequest)
            {
                var problem = await ReadProblemAsync(response, cancellationToken);
                var hint = problem?.Leader is { Length: > 0 } other ? $"; it names {other} as the leader" : "";
                throw new ClusterUnreachableException($"{Leader} is a follower, not the leader{hint}. Point --leader at the leader.");
            }

            if (!response.IsSuccessStatusCode)
                throw new ClusterUnreachableException($"{Leader} answered GET /cluster with HTTP {(int)response.StatusCode}; is it a KvStore leader?");

            return await response.Content.ReadFromJsonAsync(WireJsonContext.Default.ClusterAnswer, cancellationToken)
                ?? throw new ClusterUnreachableException($"{Leader} answered GET /cluster with an empty body.");
        }
        catch (Exception e) when (IsNodeFailure(e, cancellationToken))
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            var reason = IsTimeout(e, cancellationToken) ? $"no answer within {http.Timeout.TotalSeconds:0.#} s" : e.Message;
            throw new ClusterUnreachableException($"Cannot reach the KvStore leader at {Leader}: {reason}", e);
        }
    }

    /// <summary><c>GET /data</c> on any node; network failures and timeouts throw for the caller to report.</summary>
    public async Task<DataSnapshot> GetDataAsync(Uri node, CancellationToken cancellationToken)
    {
        using var activity = LoadRunnerTelemetry.Source.StartActivity("kvstore.data", ActivityKind.Client);
        activity?.SetTag("server.address", node.Authority);
        using var response = await http.GetAsync(new Uri(node, "/data"), cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(WireJsonContext.Default.DataSnapshot, cancellationToken)
            ?? throw new InvalidDataException($"{node} answered GET /data with an empty body.");
    }

    /// <summary>
    /// True for the ways a request to a node fails on the node's or the network's side (refused, reset, timed out,
    /// an answer that is not the expected JSON), as opposed to the caller's cancellation or a bug here.
    /// </summary>
    public static bool IsNodeFailure(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException or IOException or InvalidDataException or System.Text.Json.JsonException || IsTimeout(e, cancellationToken);

    /// <summary>True when an exception is HttpClient's own timeout rather than the caller's cancellation.</summary>
    public static bool IsTimeout(Exception e, CancellationToken cancellationToken) =>
        e is TaskCanceledException && !cancellationToken.IsCancellationRequested;

    private async Task<WriteResult> SendWriteAsync(string key, string value, int quorum, string? traceparent, CancellationToken cancellationToken)
    {
        if (await TargetAsync(cancellationToken) is not { } target)
            return WriteResult.Failed(NoLeaderCode);
        var uri = target.WriteUri(quorum);
        try
        {
            // The body is serialized up front and the answer, already buffered by PostAsync, parsed synchronously:
            // JsonContent and ReadFromJsonAsync stream through async state machines, which cost the load runner a
            // visible share of the CPU the nodes it measures need (seven processes share two cores).
            using var request = new HttpRequestMessage(HttpMethod.Post, uri)
            {
                Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new WriteRequest(key, value), WireJsonContext.Default.WriteRequest)),
            };
            request.Content.Headers.ContentType = JsonMediaType;
            if (traceparent is not null)
                request.Headers.TryAddWithoutValidation(WriteSampling.TraceparentHeader, traceparent);
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var answer = JsonSerializer.Deserialize(await response.Content.ReadAsStreamAsync(cancellationToken), WireJsonContext.Default.WriteAnswer);
                if (answer is null)
                    return WriteResult.Failed("empty_response");
                target.Acknowledged();
                return WriteResult.Committed(answer.Version, answer.Epoch);
            }

            var problem = await ReadProblemAsync(response, cancellationToken);
            return Refused(target, WriteResult.Failed(problem?.Code ?? $"http_{(int)response.StatusCode}"));
        }
        catch (Exception e) when (FailureCode(e, cancellationToken) is { } code)
        {
            return Refused(target, WriteResult.Failed(code));
        }
    }

    /// <summary>
    /// The code of a request that failed on the node's or the network's side: the transport's error, <c>response_ended</c>
    /// (the connection broke while the answer was read), <c>timeout</c> or <c>invalid_response</c>; null for anything else.
    /// </summary>
    private static string? FailureCode(Exception e, CancellationToken cancellationToken) => e switch
    {
        HttpRequestException http => TransportErrorCode(http),
        IOException => "response_ended",
        TaskCanceledException when IsTimeout(e, cancellationToken) => "timeout",
        System.Text.Json.JsonException => "invalid_response",
        _ => null,
    };

    /// <summary>The node's problem+json answer, or null when the answer is not one (or not valid JSON).</summary>
    internal static async Task<ProblemAnswer?> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType is not ProblemMediaType)
            return null;
        try
        {
            return await response.Content.ReadFromJsonAsync(WireJsonContext.Default.ProblemAnswer, cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary><c>connection_error</c>, <c>name_resolution_error</c>, …: the same snake_case style as the node's codes.</summary>
    private static string TransportErrorCode(HttpRequestException e)
    {
        var name = e.HttpRequestError.ToString();
        var code = new System.Text.StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && code.Length > 0)
                code.Append('_');
            code.Append(char.ToLowerInvariant(c));
        }

        return code.ToString();
    }
}
