using Outbound.Catalog;

namespace Outbound.Schedules;

/// <summary>
/// A schedule, keyed by <see cref="CatalogKeys.Item"/>. A reminder keeps it durable across silo restarts; each
/// occurrence sends one request through the send path, under a batch id derived from the occurrence.
/// </summary>
public interface IScheduleGrain : ICatalogItemGrain<Schedule>
{
    /// <summary>The schedule with its next occurrence and its last runs, or null if it does not exist.</summary>
    [AlwaysInterleave]
    Task<ScheduleView?> GetViewAsync();

    /// <summary>
    /// Runs the latest occurrence that is due and has not run (those before it count as missed), then arms the
    /// wake-up for the next one. The reminder and the timer call it; calling it when nothing is due does nothing.
    /// </summary>
    Task RunDueAsync();
}
