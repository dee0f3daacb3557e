using System.Text.Json;
using KvStore.LoadRunner.History;
using KvStore.LoadRunner.Load;
using KvStore.LoadRunner.Reporting;
using Spectre.Console;
using static KvStore.Tests.LoadRunner.History.Ops;

namespace KvStore.Tests.LoadRunner.History;

/// <summary>What a violation looks like on the console and in history.json: the smallest failing window, named.</summary>
public sealed class HistoryReportingTests
{
    [Fact]
    public void A_violation_prints_its_smallest_failing_window_and_lands_in_the_json()
    {
        var stale = Read(40, 50, "a", 1, client: 2);
        var ops = new List<HistoryOp> { Write(0, 10, "a", 1), Write(20, 30, "b", 2, client: 1), stale, TimedOutWrite(5, "z") };
        var history = new RecordedHistory(ops, [], new Dictionary<string, int> { ["timeout"] = 1 });
        var verdict = HistoryChecker.Check(ops, []);
        var plan = new HistoryPlan(3, 10, 1, "k", null, 1);

        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        HistoryConsole.Print(console, plan, history, verdict);
        var text = output.ToString();

        Assert.Contains("k: 4 ops (1 may have happened): NOT LINEARIZABLE", text, StringComparison.Ordinal);
        Assert.Contains("smallest failing sub-history (2 ops, from any state", text, StringComparison.Ordinal);
        Assert.Contains(stale.ToString(), text, StringComparison.Ordinal);
        Assert.Contains("with these writes outside it taken as may-have-happened", text, StringComparison.Ordinal);
        Assert.Contains("VIOLATION: not linearizable", text, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(HistoryReport.Json(plan, history, verdict));
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
        var key = json.RootElement.GetProperty("keys")[0];
        Assert.Equal("Violation", key.GetProperty("verdict").GetString());
        Assert.Equal(2, key.GetProperty("failingWindow").GetArrayLength());
    }
}
