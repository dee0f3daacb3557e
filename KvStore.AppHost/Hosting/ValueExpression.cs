namespace KvStore.AppHost.Hosting;

/// <summary>
/// A value in the model that may only be known when the application runs: an environment variable's value or an argument.
/// The model keeps the expression, not the resolved string, so the orchestrator resolves it against the ports and folders
/// of this run while the publishers write it as Aspire's manifest expression (<see cref="ManifestExpression"/>).
/// </summary>
public abstract record ValueExpression
{
    /// <summary>The value as Aspire's manifest writes it, e.g. <c>{write-quorum.value}</c>.</summary>
    public abstract string ManifestExpression { get; }

    public static implicit operator ValueExpression(string literal) => new LiteralValue(literal);

    public override string ToString() => ManifestExpression;
}

/// <summary>A string known when the model is declared.</summary>
public sealed record LiteralValue(string Value) : ValueExpression
{
    public override string ManifestExpression => Value;
}

/// <summary>The value of a parameter.</summary>
public sealed record ParameterValue(string Parameter) : ValueExpression
{
    public override string ManifestExpression => $"{{{Parameter}.value}}";
}

/// <summary>The URL (<c>scheme://host:port</c>) at which another resource's endpoint is reached.</summary>
public sealed record EndpointUrlValue(string Resource, string Endpoint) : ValueExpression
{
    public override string ManifestExpression => $"{{{Resource}.bindings.{Endpoint}.url}}";
}

/// <summary>
/// A folder that belongs to a resource for the life of one run (its data, its output). The orchestrator creates it under
/// the run's state folder; a publisher maps it to a volume.
/// </summary>
public sealed record StateDirectoryValue(string Resource) : ValueExpression
{
    public override string ManifestExpression => $"{{{Resource}.state}}";
}
