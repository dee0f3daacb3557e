using System.Text.Json;
using System.Text.Json.Serialization;

namespace KvStore.LoadRunner.Cluster;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WriteRequest))]
[JsonSerializable(typeof(WriteAnswer))]
[JsonSerializable(typeof(ProblemAnswer))]
[JsonSerializable(typeof(DataSnapshot))]
[JsonSerializable(typeof(ClusterAnswer))]
[JsonSerializable(typeof(ReadAnswer))]
[JsonSerializable(typeof(ReadVersionAnswer))]
[JsonSerializable(typeof(PositionAnswer))]
[JsonSerializable(typeof(StepDownAnswer))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class WireJsonContext : JsonSerializerContext;
