namespace KvStore.LoadRunner.Measurement;

/// <summary>The per-client recorders of one run, merged once the clients have stopped.</summary>
internal sealed record RunTotals(LogLinearHistogram Latency, LogLinearHistogram ServiceTime, ErrorTally Errors)
{
    public long Succeeded => Latency.Count;

    public long Failed => Errors.Total;

    public static RunTotals Merge(IEnumerable<ClientRecorder> recorders)
    {
        ArgumentNullException.ThrowIfNull(recorders);
        var totals = new RunTotals(new LogLinearHistogram(), new LogLinearHistogram(), new ErrorTally());
        foreach (var recorder in recorders)
        {
            totals.Latency.Add(recorder.Latency);
            totals.ServiceTime.Add(recorder.ServiceTime);
            totals.Errors.Add(recorder.Errors);
        }

        return totals;
    }
}
