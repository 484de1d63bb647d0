using Outbound.Catalog;

namespace Outbound.Campaigns;

/// <summary>
/// A campaign, keyed by <see cref="CatalogKeys.Item"/>. Running, it sends its audience one 100-contact request at a
/// time through the send path, each under a batch id derived from (campaign, upload, request number) and with its
/// position stored after each, so a restart resumes where it stopped and a replayed request sends nothing twice.
/// A reminder keeps a running campaign alive across silo restarts.
/// </summary>
public interface ICampaignGrain : ICatalogItemGrain<Campaign>
{
    /// <summary>The campaign with its status, audience and progress, or null if it does not exist.</summary>
    [AlwaysInterleave]
    Task<CampaignView?> GetViewAsync();

    /// <summary>
    /// Records a new audience (its blobs are already written): allowed while the campaign has not started
    /// (<see cref="CampaignStatus.Draft"/> or <see cref="CampaignStatus.Ready"/>).
    /// </summary>
    Task<CampaignCommandResult> SetAudienceAsync(CampaignAudience audience);

    /// <summary>Starts sending a <see cref="CampaignStatus.Ready"/> campaign; starting a running one again is done (a schedule may fire twice).</summary>
    Task<CampaignCommandResult> StartAsync();

    /// <summary>Pauses a running campaign after the request in flight.</summary>
    Task<CampaignCommandResult> PauseAsync();

    /// <summary>Resumes a paused campaign where it stopped.</summary>
    Task<CampaignCommandResult> ResumeAsync();

    /// <summary>Ends a campaign that has not ended: nothing more is sent.</summary>
    Task<CampaignCommandResult> CancelAsync();
}
