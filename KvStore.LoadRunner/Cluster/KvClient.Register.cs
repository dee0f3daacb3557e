using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace KvStore.LoadRunner.Cluster;

/// <summary>
/// What a history records of one call: <see cref="Version"/> is a write's new version, a read's version (0: not
/// found) or a mismatch's current version; <see cref="Code"/> the node's or the transport's error code when it failed.
/// </summary>
internal readonly record struct RegisterAnswer(HttpStatusCode? Status, long? Version, string? Value, string? Code)
{
    public bool Succeeded => Code is null;
}

/// <summary>The calls of the history check: <c>PUT</c>/<c>GET /kv/{key}</c> on the leader and <c>GET /read</c> on any node.</summary>
internal sealed partial class KvClient
{
    private static readonly MediaTypeHeaderValue PutMediaType = new("application/json") { CharSet = "utf-8" };

    /// <summary><c>PUT /kv/{key}</c> with a JSON string value; with <paramref name="ifMatch"/>, a compare-and-set (0: create only).</summary>
    public Task<RegisterAnswer> PutAsync(string key, string value, long? ifMatch, int? quorum, CancellationToken cancellationToken)
    {
        var query = quorum is { } q ? $"?quorum={q}" : "";
        var request = new HttpRequestMessage(HttpMethod.Put, new Uri(Leader, $"/kv/{Uri.EscapeDataString(key)}{query}"))
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, WireJsonContext.Default.String)),
        };
        request.Content.Headers.ContentType = PutMediaType;
        // Version 0 is "the key does not exist": If-Match cannot say that, If-None-Match: * (create only) does.
        if (ifMatch == 0)
            request.Headers.TryAddWithoutValidation("If-None-Match", "*");
        else if (ifMatch is { } version)
            request.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        return SendAsync(request, ParseWriteAsync, cancellationToken);
    }

    /// <summary><c>GET /kv/{key}</c> on the leader: the value and, from the ETag, its version.</summary>
    public Task<RegisterAnswer> GetKvAsync(string key, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(Leader, $"/kv/{Uri.EscapeDataString(key)}")), ParseGetAsync, cancellationToken);

    /// <summary><c>GET /read?key=k&amp;min_version=N</c> on <paramref name="node"/>.</summary>
    public Task<RegisterAnswer> ReadAsync(Uri node, string key, long minVersion, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(node, $"/read?key={Uri.EscapeDataString(key)}&min_version={minVersion}")),
            ParseReadAsync, cancellationToken);

    private async Task<RegisterAnswer> SendAsync(
        HttpRequestMessage request, Func<HttpResponseMessage, CancellationToken, Task<RegisterAnswer>> parse, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                    return await parse(response, cancellationToken);
                var problem = await ReadProblemAsync(response, cancellationToken);
                var status = response.StatusCode;
                return new RegisterAnswer(status, problem?.CurrentVersion ?? problem?.Version, null, problem?.Code ?? $"http_{(int)status}");
            }
            catch (Exception e) when (FailureCode(e, cancellationToken) is { } code)
            {
                return new RegisterAnswer(null, null, null, code);
            }
        }
    }

    private static async Task<RegisterAnswer> ParseWriteAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var answer = await JsonSerializer.DeserializeAsync(await response.Content.ReadAsStreamAsync(cancellationToken), WireJsonContext.Default.WriteAnswer, cancellationToken);
        return answer is null ? new RegisterAnswer(response.StatusCode, null, null, "empty_response") : new RegisterAnswer(response.StatusCode, answer.Version, null, null);
    }

    private static async Task<RegisterAnswer> ParseGetAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var tag = response.Headers.ETag?.Tag.Trim('"');
        if (!long.TryParse(tag, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version))
            return new RegisterAnswer(response.StatusCode, null, null, "invalid_etag");
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return new RegisterAnswer(response.StatusCode, version, AsText(body.RootElement), null);
    }

    private static async Task<RegisterAnswer> ParseReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var answer = await JsonSerializer.DeserializeAsync(await response.Content.ReadAsStreamAsync(cancellationToken), WireJsonContext.Default.ReadAnswer, cancellationToken);
        return answer is null
            ? new RegisterAnswer(response.StatusCode, null, null, "empty_response")
            : new RegisterAnswer(response.StatusCode, answer.Version, AsText(answer.Value), null);
    }

    // The history writes JSON strings; anything else (another client's value) is kept as its JSON text.
    private static string AsText(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(value, WireJsonContext.Default.JsonElement));
}
