using System.Text.Json;
using System.Text.Json.Serialization;
using KvStore.Node.Api;

namespace KvStore.Node.Explorer;

/// <summary>What the UI's header and follower table show; <see cref="Cluster"/> is the leader's <c>/cluster</c>, null on a follower.</summary>
public sealed record ExplorerStatus(string Node, string Role, long AppliedIndex, string? Leader, ClusterResponse? Cluster);

/// <summary>
/// A value as the UI shows it: the start of its JSON text (<see cref="Preview"/>), whether that is all of it, and its
/// full size in bytes of UTF-8.
/// </summary>
public sealed record ExplorerValue(string Key, long Version, string Preview, int Bytes, bool Truncated);

/// <summary>
/// One page of the node's data in ordinal key order. <see cref="Next"/> is the <c>after</c> of the following page,
/// null on the last. The walk is not a snapshot: <see cref="AppliedIndex"/> is the index it started from.
/// </summary>
public sealed record ExplorerDataPage(
    string Node, long AppliedIndex, string? After, string? Prefix, int Limit, long Matching, string? Next, IReadOnlyList<ExplorerValue> Items);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ExplorerStatus))]
[JsonSerializable(typeof(ExplorerDataPage))]
[JsonSerializable(typeof(ExplorerValue))]
public sealed partial class ExplorerJsonContext : JsonSerializerContext;
