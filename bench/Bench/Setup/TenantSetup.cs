namespace Outbound.Bench.Setup;

/// <summary>Creates the orgs through the public API, exactly as an operator and a tenant admin would.</summary>
public sealed class TenantSetup(HttpClient gateway, BenchOptions options)
{
    /// <summary>The slug that carries each message's bench tag, so the fake's ledger names the message it received.</summary>
    public const string TagSlug = TenantApi.TagSlug;
    public const string TemplateBody = TenantApi.TemplateBody;
    public const string From = "+14155550100";

    private readonly TenantApi _api = new(gateway, options.AdminKey);

    public async Task<IReadOnlyList<Tenant>> CreateAsync(CancellationToken cancellationToken)
    {
        var tenants = new List<Tenant>();
        for (var i = 0; i < options.Orgs; i++)
        {
            tenants.Add(await CreateOneAsync(i, cancellationToken));
        }

        return tenants;
    }

    private async Task<Tenant> CreateOneAsync(int index, CancellationToken cancellationToken)
    {
        var (orgId, apiKey) = await _api.CreateOrgAsync($"bench-{index}", options.ContactsPerRequest, cancellationToken);
        var channel = await _api.CreateSmsChannelAsync(apiKey, "Bench SMS", From, "twilio",
            new { accountSid = options.TwilioAccountSid, authToken = options.TwilioAuthToken }, cancellationToken);
        var template = await _api.CreateTagTemplateAsync(apiKey, "Bench", cancellationToken);
        var configuration = await _api.CreateConfigurationAsync(apiKey, new
        {
            name = "Bench",
            showInTimeline = options.ShowInTimeline,
            channelType = "sms",
            channelId = channel,
            templateId = template,
        }, cancellationToken);
        return new Tenant(orgId, apiKey, configuration);
    }
}
