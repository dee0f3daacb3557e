using System.Security.Cryptography;
using System.Text;

namespace KvStore.AppHost.Dashboard.Authentication;

/// <summary>The secret in the printed login URL: whoever has it (the user who started the AppHost) may use the dashboard.</summary>
public sealed class BrowserToken(string value)
{
    public string Value { get; } = value;

    public static BrowserToken Create(string? configured) =>
        new(configured ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));

    public bool Matches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(Value));
}
