using KvStore.LoadRunner;
using KvStore.LoadRunner.Cluster;
using KvStore.LoadRunner.Commands;
using KvStore.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.ServiceDiscovery;

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
    public async Task The_leader_resolves_through_service_discovery_like_an_Aspire_resource()
    {
        await using var configured = Resolver(("services:leader:http:0", "http://127.0.0.1:9100"));
        await using var empty = Resolver();
        var known = configured.GetRequiredService<ServiceEndpointResolver>();
        var none = empty.GetRequiredService<ServiceEndpointResolver>();
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal(new Uri("http://127.0.0.1:9100"), await LeaderAddress.ResolveAsync("leader", known, ct));
        Assert.Equal(new Uri("http://127.0.0.1:9100"), await LeaderAddress.ResolveAsync("http://leader", known, ct));
        Assert.Equal(new Uri("http://127.0.0.1:9100"), await LeaderAddress.ResolveAsync(null, known, ct));
        Assert.Equal(new Uri("http://localhost:8000"), await LeaderAddress.ResolveAsync(null, none, ct));
        Assert.Equal(new Uri("http://10.0.0.7:8000"), await LeaderAddress.ResolveAsync("http://10.0.0.7:8000", known, ct));
        Assert.Equal(new Uri("http://localhost:8000"), await LeaderAddress.ResolveAsync("localhost:8000", none, ct));
        Assert.Equal(new Uri("http://127.0.0.1:8000"), await LeaderAddress.ResolveAsync("127.0.0.1:8000", none, ct));

        var unknown = await Assert.ThrowsAsync<UsageException>(() => LeaderAddress.ResolveAsync("leader", none, ct));
        Assert.Contains("services__leader__http__0", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_follower_is_reached_at_its_advertised_url_when_the_leader_lists_one()
    {
        Assert.Equal(new Uri("http://localhost:18101"),
            ClusterDiscovery.Choose(new FollowerStatus("follower1", "http://follower1:8080", 0, 0, "healthy", "http://localhost:18101")));
        Assert.Equal(new Uri("http://follower1:8080"),
            ClusterDiscovery.Choose(new FollowerStatus("follower1", "http://follower1:8080", 0, 0, "healthy")));
    }

    private static ServiceProvider Resolver(params (string Key, string Value)[] settings) =>
        ServiceReferences.CreateResolverServices(
            new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());
}
