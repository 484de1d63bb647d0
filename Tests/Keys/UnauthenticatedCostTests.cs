using System.Net;
using System.Net.Http.Json;
using Outbound.Orgs;
using Outbound.Sending;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Keys;

/// <summary>A system whose silo records every grain call it receives.</summary>
public sealed class RecordingSystem : OutboundSystem
{
    public GrainCalls Calls { get; } = new();

    protected override void ConfigureSilo(ISiloBuilder silo) => Calls.InstallIn(silo);
}

/// <summary>
/// A request with a key the cluster did not issue, a key already refused, or a callback URL the cluster did not
/// sign costs no grain call: the gateway refuses it on its own.
/// </summary>
[Trait("Category", "Integration")]
public sealed class UnauthenticatedCostTests(RecordingSystem system) : IClassFixture<RecordingSystem>
{
    [Fact]
    public async Task A_forged_or_malformed_key_is_refused_without_a_grain_call()
    {
        var org = await system.CreateOrgAsync();
        var unknownOrg = Guid.NewGuid();
        var genuine = org.ApiKey;
        // The shape of a genuine key, with the last character of its tag changed, or another org's id in it.
        var forgedTag = genuine[..^1] + (genuine[^1] == 'A' ? 'B' : 'A');
        var otherOrg = $"sk_{unknownOrg:N}{genuine[35..]}";

        foreach (var key in new[] { forgedTag, otherOrg, $"sk_{unknownOrg:N}_x", "sk_", "not-a-key" })
        {
            using var http = system.WithBearer(key);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/v1/org")).StatusCode);
        }

        Assert.DoesNotContain(nameof(IOrgGrain.VerifyApiKeyAsync), system.Calls.To(system.Grains.GetGrain<IOrgGrain>(org.OrgId)));
        Assert.Empty(system.Calls.To(system.Grains.GetGrain<IOrgGrain>(unknownOrg)));
    }

    [Fact]
    public async Task A_revoked_key_presented_again_is_refused_without_asking_its_org_again()
    {
        var org = await system.CreateOrgAsync();
        var key = await ApiKeyTests.CreateKeyAsync(org, "send");
        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/api-keys/{key.Id}")).StatusCode);
        using var revoked = system.WithBearer(key.Key);
        var orgGrain = system.Grains.GetGrain<IOrgGrain>(org.OrgId);

        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/v1/org")).StatusCode);
        var verifications = system.Calls.To(orgGrain).Count(m => m == nameof(IOrgGrain.VerifyApiKeyAsync));
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/v1/org")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/v1/channels")).StatusCode);

        Assert.Equal(verifications, system.Calls.To(orgGrain).Count(m => m == nameof(IOrgGrain.VerifyApiKeyAsync)));
    }

    [Fact]
    public async Task A_status_callback_without_the_clusters_token_is_refused_without_a_grain_call()
    {
        var org = await system.CreateOrgAsync();
        var batchId = Guid.NewGuid();
        var messageId = MessageIds.Format(batchId, 0);
        var form = TwilioCallbacks.Form("SM0123456789abcdef0123456789abcdef", "delivered");
        var tokenless = system.UrlWithoutToken(org.OrgId, messageId);
        var otherMessagesToken = system.Url(org.OrgId, MessageIds.Format(batchId, 1)).Split("&token=")[1];

        foreach (var url in new[] { tokenless, $"{tokenless}&token=", $"{tokenless}&token={otherMessagesToken}" })
        {
            using var http = system.Anonymous();
            var response = await http.PostAsync(url, new FormUrlEncodedContent(form));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Empty(system.Calls.To(system.Grains.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(org.OrgId, batchId))));
    }
}
