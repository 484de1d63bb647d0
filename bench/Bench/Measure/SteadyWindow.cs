namespace Outbound.Bench.Measure;

/// <summary>The measured part of a phase: from the end of the warm-up to the moment the load stopped.</summary>
public sealed record SteadyWindow(DateTimeOffset Start, DateTimeOffset End)
{
    public double Seconds => Math.Max(0.001, (End - Start).TotalSeconds);

    public bool Contains(DateTimeOffset at) => at >= Start && at < End;
}
