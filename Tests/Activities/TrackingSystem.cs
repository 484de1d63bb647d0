namespace Outbound.Tests.Activities;

/// <summary>
/// A system whose clock for tracking runs in seconds: requests are reconciled 2 s after acceptance and removed
/// after 12 s, swept every second. It asks for no status callbacks (no public URL), as a gateway providers cannot
/// reach, so only reconciliation can settle its messages.
/// </summary>
public sealed class TrackingSystem() : OutboundSystem(
    ("RECONCILE_AFTER", "00:00:02"),
    ("ACTIVITY_RETENTION", "00:00:12"),
    ("TRACKING_SWEEP_INTERVAL", "00:00:01"),
    ("PUBLIC_BASE_URL", null));

[CollectionDefinition(Name)]
public sealed class TrackingCollection : ICollectionFixture<TrackingSystem>
{
    public const string Name = "tracking";
}
