using System.ComponentModel.DataAnnotations;
using Outbound.Campaigns;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Catalog;
using Outbound.Gateway.Problems;
using Outbound.Gateway.Routing;

namespace Outbound.Gateway.Campaigns;

/// <summary>A campaign: one outbound configuration sent to an uploaded audience, within a share of the org's hourly quota.</summary>
/// <param name="Name">1–200 characters.</param>
/// <param name="ConfigurationId">The outbound configuration every message of the campaign is sent through. It cannot change once the campaign has started.</param>
/// <param name="QuotaShare">
/// The share of the org's hourly request quota the org's campaigns may use in each UTC clock hour: above 0 and at most
/// 1; 0.8 when left out (also on a replace). The rest stays free for event-based and instant sends.
/// </param>
public sealed record CampaignRequest(
    [property: Required] string? Name,
    [property: Required] Guid? ConfigurationId,
    double? QuotaShare = null);

/// <summary>A campaign, where it stands and its progress.</summary>
/// <param name="Status"><c>draft</c> (no audience yet), <c>ready</c>, <c>running</c>, <c>paused</c>, <c>completed</c> or <c>cancelled</c>.</param>
/// <param name="Total">Valid contacts in the audience: the messages the campaign sends at most.</param>
/// <param name="Accepted">Contacts the send path accepted a message for.</param>
/// <param name="SkippedNoOptIn">Contacts skipped because their row said they did not opt in.</param>
/// <param name="SkippedOptedOut">Contacts skipped because they had opted out (STOP).</param>
/// <param name="Invalid">Rows refused at upload (see the audience's error report) plus contacts the send path refused.</param>
/// <param name="Sent">Messages handed to the provider (whatever became of them since).</param>
/// <param name="Delivered">Messages delivered (or read).</param>
/// <param name="Failed">Messages that failed or were not delivered.</param>
/// <param name="EtaSeconds">
/// While running or paused: the expected seconds to the last request at the observed pace, counting the clock hours
/// the quota share makes the campaign wait for. Absent otherwise.
/// </param>
/// <param name="RequestsSent">Send requests (of up to 100 contacts) the send path took.</param>
/// <param name="StartedAt">When it started; absent before.</param>
/// <param name="EndedAt">When it completed or was cancelled.</param>
/// <param name="WaitingUntil">Running but waiting: its share of this clock hour's quota is used, and it goes on at this time.</param>
/// <param name="PausedReason">
/// Set when the campaign paused itself, and why: <c>configuration_not_found</c>, <c>configuration_inactive</c>,
/// <c>org_disabled</c>, <c>too_many_contacts</c>, <c>too_large</c>, <c>audience_missing</c> or <c>audience_unreadable</c>. Resume after fixing it.
/// </param>
/// <param name="Audience">The uploaded audience; absent while the campaign is a draft.</param>
public sealed record CampaignResponse(
    Guid Id, string Name, Guid ConfigurationId, double QuotaShare, string Status,
    int Total, int Accepted, int SkippedNoOptIn, int SkippedOptedOut, int Invalid, int Sent, int Delivered, int Failed,
    int? EtaSeconds, int RequestsSent, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, DateTimeOffset? WaitingUntil,
    string? PausedReason, CampaignAudienceResponse? Audience, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>An uploaded audience: what was read, and what was kept.</summary>
/// <param name="UploadId">The upload; a new upload (before the campaign starts) replaces it.</param>
/// <param name="Rows">Rows read, valid or not.</param>
/// <param name="Valid">Rows kept as contacts to send.</param>
/// <param name="Invalid">Rows refused, each in the upload's row-error report.</param>
public sealed record CampaignAudienceResponse(Guid UploadId, int Rows, int Valid, int Invalid, DateTimeOffset UploadedAt);

public static class CampaignsApi
{
    public const int MaxNameLength = 200;

    private const string Noun = "campaign";

    /// <summary><c>/v1/campaigns</c>: an admin sends one configuration to an uploaded audience, paced within a share of the quota.</summary>
    public static RouteGroupBuilder MapCampaigns(this RouteGroupBuilder admin)
    {
        var campaigns = admin.MapGroup("/campaigns").WithTags("Campaigns");

        campaigns.MapCatalogViews(new CatalogViewKind<ICampaignGrain, Campaign, CampaignRequest, CampaignView, CampaignResponse>(
            CatalogKind.Campaign, "campaignId", "Campaign", Noun, Campaign,
            (g, item) => g.CreateAsync(item), (g, item) => g.ReplaceAsync(item), ToCampaign, g => g.GetViewAsync(), ToResponse)
        {
            Texts = new(
                new("Create a campaign", "Stores a draft campaign: an outbound configuration and the share of the hourly quota it may use. Upload its audience next, then start it."),
                new("List campaigns", "The org's campaigns with their progress, oldest first, a page at a time: pass nextCursor as cursor for the next page."),
                new("Get a campaign and its progress", "One campaign of the org: its status, its audience, and its progress (contacts by what the send path made of them, messages by status from the reports, and the expected seconds to the end)."),
                new("Replace a campaign", "Replaces the campaign's name, configuration and quota share. A running campaign takes a new name or share from its next request; its configuration cannot change once it has started. Its audience and progress stay.")),
        });

        campaigns.MapDelete("/{campaignId:guid}", async (Guid campaignId, HttpContext http, IGrainFactory grains) =>
            (await Campaign(http, grains, campaignId).DeleteAsync()).Status == DeleteStatus.Deleted ? Results.NoContent() : NotFound(campaignId))
        .WithName("DeleteCampaign")
        .WithSummary("Delete a campaign")
        .WithDescription("Deletes the campaign: a running one sends no more. Messages it already sent are not affected and stay in the reports.")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status404NotFound);

        MapCommand(campaigns, "start", "StartCampaign", "Start a campaign",
            "Starts sending a ready campaign (one with an uploaded audience) in requests of 100 contacts, within its quota share. Starting a running campaign again changes nothing.",
            g => g.StartAsync());
        MapCommand(campaigns, "pause", "PauseCampaign", "Pause a campaign",
            "Pauses a running campaign after the request in flight; resume it to go on where it stopped.",
            g => g.PauseAsync());
        MapCommand(campaigns, "resume", "ResumeCampaign", "Resume a campaign",
            "Resumes a paused campaign where it stopped: no contact is sent twice.",
            g => g.ResumeAsync());
        MapCommand(campaigns, "cancel", "CancelCampaign", "Cancel a campaign",
            "Ends a campaign that has not ended: what was sent stays sent, the rest is never sent.",
            g => g.CancelAsync());

        return admin;
    }

    private static void MapCommand(RouteGroupBuilder campaigns, string verb, string name, string summary, string description, Func<ICampaignGrain, Task<CampaignCommandResult>> command) =>
        campaigns.MapPost($"/{{campaignId:guid}}/{verb}", async (Guid campaignId, HttpContext http, IGrainFactory grains) =>
        {
            var grain = Campaign(http, grains, campaignId);
            var result = await command(grain);
            return result.Status switch
            {
                CampaignCommandStatus.Done => await grain.GetViewAsync() is { } view ? Results.Ok(ToResponse(view)) : NotFound(campaignId),
                CampaignCommandStatus.NotFound => NotFound(campaignId),
                CampaignCommandStatus.NoAudience => Problem.Conflict(
                    $"The campaign has no contacts to send: upload an audience first (PUT /v1/campaigns/{campaignId}/audience)."),
                _ => Problem.Conflict($"The campaign is {Wire(result.Current!.Value)}: it cannot {verb} ({Allowed(verb)})."),
            };
        })
        .WithName(name)
        .WithSummary(summary)
        .WithDescription(description)
        .Produces<CampaignResponse>()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);

    private static string Allowed(string verb) => verb switch
    {
        "start" => "only a ready campaign starts",
        "pause" => "only a running campaign pauses",
        "resume" => "only a paused campaign resumes",
        _ => "a completed or cancelled campaign has ended",
    };

    private static Campaign? ToCampaign(CampaignRequest request, FieldErrors errors)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            errors.Add("name", $"name is required and at most {MaxNameLength} characters.");
        }

        if (request.ConfigurationId is null)
        {
            errors.Add("configurationId", "configurationId is required.");
        }

        var share = request.QuotaShare ?? Outbound.Campaigns.Campaign.DefaultQuotaShare;
        if (!(share > 0 && share <= 1))
        {
            errors.Add("quotaShare", "quotaShare is the share of the org's hourly quota the campaign may use: above 0 and at most 1.");
        }

        return errors.Any ? null : new Campaign(name!, request.ConfigurationId!.Value, share);
    }

    private static CampaignResponse ToResponse(CampaignView view)
    {
        var (stored, c, p) = (view.Stored, view.Stored.Item, view.Progress);
        return new CampaignResponse(
            stored.Id, c.Name, c.ConfigurationId, c.QuotaShare, Wire(view.Status),
            p.Total, p.Accepted, p.SkippedNoOptIn, p.SkippedOptedOut, p.Invalid, p.Sent, p.Delivered, p.Failed,
            view.EtaSeconds, view.RequestsSent, view.StartedAt, view.EndedAt, view.WaitingUntil, view.PausedReason,
            view.Audience is { } a ? new CampaignAudienceResponse(a.UploadId, a.Rows, a.Valid, a.Invalid, a.UploadedAt) : null,
            stored.Version, stored.CreatedAt, stored.UpdatedAt);
    }

    private static string Wire(CampaignStatus status) => status.ToString().ToLowerInvariant();

    private static ICampaignGrain Campaign(HttpContext http, IGrainFactory grains, Guid id) =>
        grains.GetGrain<ICampaignGrain>(CatalogKeys.Item(http.OrgId(), id));

    private static IResult NotFound(Guid id) => Problem.NotFound($"No {Noun} '{id}' exists.");
}
