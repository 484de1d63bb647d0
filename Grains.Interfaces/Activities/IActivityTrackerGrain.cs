namespace Outbound.Activities;

/// <summary>
/// Keeps an org's activity records honest over time (keyed by the org id): reconciles requests whose messages
/// have no final status after the configured time (asking the provider, or marking them <c>unknown</c>), and
/// removes activity records older than the retention.
/// </summary>
public interface IActivityTrackerGrain : IGrainWithGuidKey
{
    /// <summary>Makes sure the org's sweeps run; cheap and idempotent, called as requests are delivered.</summary>
    [OneWay]
    Task WatchAsync();

    /// <summary>Runs one sweep now (operators and tests; the sweeps also run on their own).</summary>
    Task SweepAsync();
}
