using System.Security.Cryptography;
using KvStore.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace KvStore.AppHost.Orchestration;

/// <summary>Each parameter's value for this run: from configuration, else from its default (a generated secret is fresh per run).</summary>
public static class ParameterValues
{
    private const string GeneratedAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public static IReadOnlyDictionary<string, string> Resolve(DistributedApplicationModel model, IConfiguration configuration)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var parameter in model.Parameters)
        {
            var value = configuration[parameter.ConfigurationKey] ?? parameter.Default switch
            {
                ConstantParameterDefault constant => constant.Value,
                GenerateParameterDefault generate => RandomNumberGenerator.GetString(GeneratedAlphabet, generate.MinLength),
                _ => null,
            };
            if (value is null)
                missing.Add(parameter.Name);
            else
                values[parameter.Name] = value;
        }

        if (missing.Count > 0)
        {
            var name = missing[0];
            throw new AppHostStartupException(
                $"parameter{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))} not set: set Parameters:{name} " +
                $"in appsettings.json, environment variable Parameters__{name}, or --Parameters:{name}=VALUE");
        }

        return values;
    }
}
