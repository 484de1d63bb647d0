using Outbound.Campaigns;

namespace Outbound.Grains.Campaigns;

/// <summary>
/// Where a campaign stands, stored beside the campaign item and written once per accepted request (and per
/// command): its position is the durable cursor a restarted silo resumes from.
/// </summary>
[GenerateSerializer, Alias("Outbound.CampaignRunState")]
public sealed class CampaignRunState
{
    [Id(0)] public CampaignStatus Status { get; set; }

    /// <summary>The uploaded audience's summary (its contacts are in blob storage).</summary>
    [Id(1)] public CampaignAudience? Audience { get; set; }

    /// <summary>The next request to send (0-based): every request before it was accepted by the send path.</summary>
    [Id(2)] public int Position { get; set; }

    [Id(3)] public int Accepted { get; set; }

    [Id(4)] public int SkippedNoOptIn { get; set; }

    [Id(5)] public int SkippedOptedOut { get; set; }

    /// <summary>Contacts the send path refused (the upload's own refusals are in <see cref="Audience"/>).</summary>
    [Id(6)] public int Invalid { get; set; }

    [Id(7)] public DateTimeOffset? StartedAt { get; set; }

    [Id(8)] public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Running, but no request goes out before this (the quota share of the hour is used, or the send path was busy).</summary>
    [Id(9)] public DateTimeOffset? WaitingUntil { get; set; }

    /// <summary>Why the campaign paused itself (its configuration is gone or inactive); null when the org paused it.</summary>
    [Id(10)] public string? PausedReason { get; set; }

    /// <summary>The UTC clock hour <see cref="HourRequests"/> counts in.</summary>
    [Id(11)] public DateTimeOffset? HourStart { get; set; }

    /// <summary>This campaign's requests accepted in the clock hour <see cref="HourStart"/>.</summary>
    [Id(12)] public int HourRequests { get; set; }

    /// <summary>The observed seconds one request takes while sending (a moving average), for the ETA.</summary>
    [Id(13)] public double PaceSeconds { get; set; }

    public CampaignRunState Copy() => (CampaignRunState)MemberwiseClone();
}
