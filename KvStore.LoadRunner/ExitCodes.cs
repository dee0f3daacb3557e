namespace KvStore.LoadRunner;

/// <summary>The load runner's exit codes; scripts and CI branch on them.</summary>
public static class ExitCodes
{
    /// <summary>Everything requested was measured, no request failed, the replicas agree.</summary>
    public const int Success = 0;

    /// <summary>The run completed but found a problem: failed requests, or followers that differ from the leader.</summary>
    public const int Findings = 1;

    /// <summary>Nothing was measured: bad arguments, or no usable cluster at the given address.</summary>
    public const int Usage = 2;

    /// <summary>Ctrl+C (or SIGTERM) ended the run; what was measured until then was still reported (128 + SIGINT).</summary>
    public const int Interrupted = 130;
}
