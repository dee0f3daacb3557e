namespace KvStore.AppHost.Hosting;

public static class ParameterResourceBuilderExtensions
{
    /// <summary>A parameter whose value must be set in configuration at <c>Parameters:{name}</c>.</summary>
    public static IResourceBuilder<ParameterResource> AddParameter(this IDistributedApplicationBuilder builder, string name, bool secret = false) =>
        builder.AddResource(new ParameterResource(name, secret));

    /// <summary>A parameter with a fallback when configuration does not set it, e.g. a generated secret.</summary>
    public static IResourceBuilder<ParameterResource> AddParameter(
        this IDistributedApplicationBuilder builder, string name, ParameterDefault value, bool secret = false) =>
        builder.AddResource(new ParameterResource(name, secret, value));
}
