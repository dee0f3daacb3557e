using KvStore.LoadRunner;
using KvStore.LoadRunner.Cluster;
using KvStore.LoadRunner.Commands;
using KvStore.ServiceDefaults.ServiceDiscovery;
using Microsoft.Extensions.Configuration;

namespace KvStore.Tests.LoadRunner;

public sealed class OptionParsingTests
{
    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1.5", 1_500)]
    [InlineData("0", 0)]
    [InlineData("00:00:07", 7_000)]
    public void Durations_read_as_people_write_them(string text, double milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(milliseconds, duration.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5s")]
    [InlineData("10 parsecs")]
    [InlineData("NaN")]
    public void Nonsense_durations_are_rejected(string text) => Assert.False(DurationParser.TryParse(text, out _));

    [Theory]
    [InlineData("1-5", new[] { 1, 2, 3, 4, 5 })]
    [InlineData("1,3,5", new[] { 1, 3, 5 })]
    [InlineData("0-2, 5, 2", new[] { 0, 1, 2, 5 })]
    [InlineData("3", new[] { 3 })]
    public void Quorum_lists_take_ranges_and_lists(string text, int[] expected)
    {
        Assert.True(QuorumListParser.TryParse(text, out var quorums, out var error), error);
        Assert.Equal(expected, quorums);
    }

    [Theory]
    [InlineData("5-1")]
    [InlineData("1-")]
    [InlineData("one")]
    [InlineData("-1")]
    [InlineData("1-2-3")]
    public void Bad_quorum_lists_say_what_is_wrong(string text)
    {
        Assert.False(QuorumListParser.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void The_leader_resolves_through_service_discovery_like_an_Aspire_resource()
    {
        var configured = Resolver(("services:leader:http:0", "http://127.0.0.1:9100"));
        var empty = Resolver();

        Assert.Equal(new Uri("http://127.0.0.1:9100"), LeaderAddress.Resolve("leader", configured));
        Assert.Equal(new Uri("http://127.0.0.1:9100"), LeaderAddress.Resolve("http://leader", configured));
        Assert.Equal(new Uri("http://127.0.0.1:9100"), LeaderAddress.Resolve(null, configured));
        Assert.Equal(new Uri("http://localhost:8000"), LeaderAddress.Resolve(null, empty));
        Assert.Equal(new Uri("http://10.0.0.7:8000"), LeaderAddress.Resolve("http://10.0.0.7:8000", configured));
        Assert.Equal(new Uri("http://localhost:8000"), LeaderAddress.Resolve("localhost:8000", empty));
        Assert.Equal(new Uri("http://127.0.0.1:8000"), LeaderAddress.Resolve("127.0.0.1:8000", empty));

        var unknown = Assert.Throws<UsageException>(() => LeaderAddress.Resolve("leader", empty));
        Assert.Contains("services__leader__http__0", unknown.Message, StringComparison.Ordinal);
    }

    private static ServiceEndpointResolver Resolver(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());
}
