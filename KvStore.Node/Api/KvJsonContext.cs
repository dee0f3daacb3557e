using System.Text.Json;
using System.Text.Json.Serialization;
using KvStore.Node.Replication;

namespace KvStore.Node.Api;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WriteResponse))]
[JsonSerializable(typeof(ReadResponse))]
[JsonSerializable(typeof(DataResponse))]
[JsonSerializable(typeof(ClusterResponse))]
[JsonSerializable(typeof(ReplicateResponse))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(Failover.PositionResponse))]
[JsonSerializable(typeof(Failover.FenceResponse))]
[JsonSerializable(typeof(Failover.PromoteResponse))]
[JsonSerializable(typeof(Failover.StepDownResponse))]
[JsonSerializable(typeof(Failover.LeaderKeyValue))]
public sealed partial class KvJsonContext : JsonSerializerContext;
