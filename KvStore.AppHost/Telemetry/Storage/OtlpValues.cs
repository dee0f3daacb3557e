using Google.Protobuf;
using Google.Protobuf.Collections;
using KvStore.AppHost.Telemetry.Otlp.Common;

namespace KvStore.AppHost.Telemetry.Storage;

/// <summary>OTLP's wire values as the dashboard shows them: ids in lowercase hex, times as UTC, attributes as plain JSON values.</summary>
internal static class OtlpValues
{
    public const string ServiceName = "service.name";
    public const string ServiceInstanceId = "service.instance.id";
    public const string UnknownService = "unknown_service";

    public static string Hex(ByteString id) => id.IsEmpty ? "" : Convert.ToHexStringLower(id.Span);

    public static string? HexOrNull(ByteString id) => id.IsEmpty || id.Span.IndexOfAnyExcept((byte)0) < 0 ? null : Convert.ToHexStringLower(id.Span);

    public static DateTimeOffset Time(ulong unixNano) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)(unixNano / TimeSpan.NanosecondsPerTick));

    public static double Milliseconds(ulong fromUnixNano, ulong toUnixNano) =>
        toUnixNano > fromUnixNano ? (toUnixNano - fromUnixNano) / 1e6 : 0;

    public static IReadOnlyDictionary<string, object?> Attributes(RepeatedField<KeyValue> attributes)
    {
        var result = new Dictionary<string, object?>(attributes.Count, StringComparer.Ordinal);
        foreach (var attribute in attributes)
            result[attribute.Key] = Value(attribute.Value);
        return result;
    }

    /// <summary>An AnyValue as a value System.Text.Json writes naturally: a string[] attribute stays an array.</summary>
    public static object? Value(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        AnyValue.ValueOneofCase.ArrayValue => value.ArrayValue.Values.Select(Value).ToArray(),
        AnyValue.ValueOneofCase.KvlistValue => Attributes(value.KvlistValue.Values),
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToBase64(),
        _ => null,
    };

    /// <summary>A log body or attribute as text.</summary>
    public static string Text(AnyValue? value) => Value(value) switch
    {
        null => "",
        string s => s,
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        var other => System.Text.Json.JsonSerializer.Serialize(other),
    };

    public static string ServiceNameOf(Otlp.Resource.Resource? resource) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == ServiceName)?.Value?.StringValue is { Length: > 0 } name ? name : UnknownService;

    public static string? InstanceOf(Otlp.Resource.Resource? resource) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == ServiceInstanceId)?.Value?.StringValue;
}
