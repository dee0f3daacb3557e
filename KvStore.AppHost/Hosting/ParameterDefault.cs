namespace KvStore.AppHost.Hosting;

/// <summary>Where a parameter's value comes from when configuration does not set it.</summary>
public abstract record ParameterDefault;

/// <summary>A random value of at least <see cref="MinLength"/> letters and digits (Aspire's <c>generate</c> default), fresh each run.</summary>
public sealed record GenerateParameterDefault : ParameterDefault
{
    public int MinLength { get; init; } = 22;
}

/// <summary>A fixed value used unless configuration overrides it.</summary>
public sealed record ConstantParameterDefault(string Value) : ParameterDefault;
