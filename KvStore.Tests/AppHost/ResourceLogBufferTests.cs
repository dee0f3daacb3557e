using KvStore.AppHost.Orchestration;

namespace KvStore.Tests.AppHost;

public sealed class ResourceLogBufferTests
{
    [Fact]
    public void Readers_page_by_sequence_and_learn_how_many_lines_the_bounded_buffer_dropped()
    {
        var buffer = new ResourceLogBuffer(capacity: 3, TimeProvider.System);
        for (var i = 1; i <= 5; i++)
            buffer.Append(LogSource.Stdout, $"line {i}");

        var page = buffer.Read(after: 0, limit: 10);
        Assert.Equal(["line 3", "line 4", "line 5"], page.Lines.Select(l => l.Text));
        Assert.Equal(5, page.Last);
        Assert.Equal(2, page.Skipped);

        buffer.Append(LogSource.Stderr, "line 6");
        var next = buffer.Read(after: page.Last, limit: 10);
        Assert.Equal("line 6", Assert.Single(next.Lines).Text);
        Assert.Equal(LogSource.Stderr, next.Lines[0].Source);
        Assert.Equal(0, next.Skipped);

        Assert.Equal(6, buffer.Read(after: 6, limit: 10).Last);
        Assert.Equal(["line 4"], buffer.Read(after: 3, limit: 1).Lines.Select(l => l.Text));
    }
}
