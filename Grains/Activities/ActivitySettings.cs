using Microsoft.Extensions.Configuration;

namespace Outbound.Grains.Activities;

/// <summary>How long activity records wait for a final status, how long they are kept, and how often that is checked.</summary>
/// <param name="ReconcileAfter">A request whose messages have no final status this long after acceptance is reconciled.</param>
/// <param name="Retention">Activity records older than this are removed.</param>
/// <param name="SweepInterval">How often each org's tracker looks for both.</param>
public sealed record ActivitySettings(TimeSpan ReconcileAfter, TimeSpan Retention, TimeSpan SweepInterval)
{
    public const string ReconcileAfterKey = "RECONCILE_AFTER";
    public const string RetentionKey = "ACTIVITY_RETENTION";
    public const string SweepIntervalKey = "TRACKING_SWEEP_INTERVAL";

    public static ActivitySettings From(IConfiguration configuration) => new(
        configuration.GetValue(ReconcileAfterKey, TimeSpan.FromHours(1)),
        configuration.GetValue(RetentionKey, TimeSpan.FromDays(90)),
        configuration.GetValue(SweepIntervalKey, TimeSpan.FromMinutes(1)));
}
