using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KvStore.Node.Api;

/// <summary>Validation of the client API's inputs. Each failure is a problem with a code, and nothing is written.</summary>
public static class RequestParsing
{
    private static readonly JsonReaderOptions StrictJson = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };

    public static ProblemHttpResult? ValidateKey(string? key)
    {
        if (key is null)
            return Problems.BadRequest(ErrorCodes.MissingKey, "The request needs a key.");
        if (key.Length == 0 || string.IsNullOrWhiteSpace(key))
            return Problems.BadRequest(ErrorCodes.InvalidKey, "The key must not be empty.");
        if (Encoding.UTF8.GetByteCount(key) > NodeContext.MaxKeyBytes)
            return Problems.BadRequest(ErrorCodes.KeyTooLong, $"The key is longer than {NodeContext.MaxKeyBytes} bytes of UTF-8.");
        return null;
    }

    /// <summary><c>?quorum=k</c>: 0 (asynchronous) to the number of followers; absent means WRITE_QUORUM.</summary>
    public static ProblemHttpResult? TryGetQuorum(HttpRequest request, int followers, int defaultQuorum, out int quorum)
    {
        quorum = defaultQuorum;
        var raw = request.Query["quorum"];
        if (raw.Count == 0)
            return null;
        if (raw.Count == 1 && int.TryParse(raw[0], out quorum) && quorum >= 0 && quorum <= followers)
            return null;
        return Problems.BadRequest(ErrorCodes.InvalidQuorum, $"quorum must be an integer from 0 to {followers} (got '{raw}').");
    }

    public static ProblemHttpResult? TryGetMinVersion(HttpRequest request, out long minVersion)
    {
        minVersion = 0;
        var raw = request.Query["min_version"];
        if (raw.Count == 0 || (raw.Count == 1 && long.TryParse(raw[0], out minVersion) && minVersion >= 0))
            return null;
        return Problems.BadRequest(ErrorCodes.InvalidMinVersion, $"min_version must be a non-negative integer (got '{raw}').");
    }

    /// <summary>If-Match: <c>"7"</c> (an ETag from this API) or <c>*</c>; If-None-Match: <c>*</c> (create only).</summary>
    public static ProblemHttpResult? TryGetPrecondition(HttpRequest request, out long? ifVersion)
    {
        ifVersion = null;
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch == "*")
            ifVersion = 0;
        else if (ifNoneMatch.Length > 0)
            return Problems.BadRequest(ErrorCodes.InvalidIfMatch, "If-None-Match supports only '*' (create only).");

        var ifMatch = request.Headers.IfMatch.ToString().Trim();
        if (ifMatch.Length == 0)
            return null;
        if (ifMatch == "*")
        {
            ifVersion = Leader.WriteCommand.IfPresent;
            return null;
        }

        if (EntityTagHeaderValue.TryParse(ifMatch, out var tag) &&
            long.TryParse(tag.Tag.AsSpan().Trim('"'), out var version) && version > 0)
        {
            ifVersion = version;
            return null;
        }

        return Problems.BadRequest(ErrorCodes.InvalidIfMatch, $"If-Match must be '*' or an ETag such as \"7\" (got '{ifMatch}').");
    }

    /// <summary>Reads a JSON request body of at most <paramref name="limit"/> bytes.</summary>
    public static async Task<(byte[]? Body, ProblemHttpResult? Problem)> ReadJsonBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
                $"Send the body as application/json (got '{request.ContentType ?? "no content type"}')."));
        }

        if (request.ContentLength > limit)
            return (null, TooLarge(limit));

        // The usual case: the length is announced, so the body is read once into an array of exactly that size.
        if (request.ContentLength is { } length)
        {
            var exact = new byte[length];
            await request.Body.ReadExactlyAsync(exact, cancellationToken);
            return (exact, null);
        }

        using var buffer = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                    return (null, TooLarge(limit));
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }

        return (buffer.ToArray(), null);
    }

    /// <summary>Parses <c>{"key": "k", "value": &lt;any JSON&gt;}</c>, keeping the value's exact bytes.</summary>
    public static ProblemHttpResult? ParseWriteBody(byte[] body, int maxValueBytes, out string key, out byte[] value)
    {
        key = "";
        value = [];
        string? foundKey = null;
        byte[]? foundValue = null;
        try
        {
            var reader = new Utf8JsonReader(body, StrictJson);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return Problems.BadRequest(ErrorCodes.InvalidBody, "The body must be a JSON object: {\"key\": \"k\", \"value\": <any JSON>}.");

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isKey = reader.ValueTextEquals("key"u8);
                var isValue = reader.ValueTextEquals("value"u8);
                reader.Read();
                if (isKey)
                {
                    if (reader.TokenType != JsonTokenType.String)
                        return Problems.BadRequest(ErrorCodes.InvalidKey, "\"key\" must be a JSON string.");
                    foundKey = reader.GetString();
                }
                else if (isValue)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    foundValue = body.AsSpan(start, (int)reader.BytesConsumed - start).ToArray();
                }
                else
                {
                    reader.Skip();
                }
            }

            // Reading to the end rejects trailing content after the object.
            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            return Problems.BadRequest(ErrorCodes.InvalidJson, $"The body is not valid JSON: {e.Message}");
        }

        if (ValidateKey(foundKey) is { } keyProblem)
            return keyProblem;
        if (foundValue is null)
            return Problems.BadRequest(ErrorCodes.MissingValue, "The body needs a \"value\" (any JSON, null included).");
        if (foundValue.Length > maxValueBytes)
            return TooLarge(maxValueBytes);

        key = foundKey!;
        value = foundValue;
        return null;
    }

    /// <summary>Checks that <paramref name="body"/> is exactly one JSON value (the body of <c>PUT /kv/{key}</c>).</summary>
    public static ProblemHttpResult? ValidateJsonValue(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, StrictJson);
            if (!reader.Read())
                return Problems.BadRequest(ErrorCodes.MissingValue, "The body must be a JSON value.");
            reader.Skip();
            while (reader.Read())
            {
            }

            return null;
        }
        catch (JsonException e)
        {
            return Problems.BadRequest(ErrorCodes.InvalidJson, $"The body is not valid JSON: {e.Message}");
        }
    }

    public static ProblemHttpResult TooLarge(int limit) =>
        Problems.Create(StatusCodes.Status413PayloadTooLarge, ErrorCodes.ValueTooLarge,
            $"The value is larger than {limit} bytes (MAX_VALUE_BYTES).", ("limit", limit));
}
