using System.Net;
using System.Net.Http.Json;
using Outbound.Tests.Activities;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Sending;

/// <summary>What one send request may make the cluster store is bounded, and refused before anything is taken.</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SendLimitsTests(OutboundSystem system)
{
    private static object Contact(string to, string? regarding) => new
    {
        tocontactid = to,
        optin = true,
        contextitems = new { CustomerName = "Ana", CaseName = "CAS-1" },
        entityrelationshipname = regarding,
    };

    [Theory]
    [InlineData(51, '案')] // long enough to break the timeline's row key before the limit
    [InlineData(129, 'a')]
    public async Task An_entityrelationshipname_past_its_limit_is_a_problem_naming_it(int length, char character)
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();

        var response = await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send",
            new { contacts = new[] { Contact("+14155550142", "incident"), Contact("+14155550143", new string(character, length)) } });

        await response.AssertProblemNaming("contacts[1].entityrelationshipname");
    }

    [Fact]
    public async Task A_non_ascii_entityrelationshipname_within_the_limit_is_sent_and_has_its_timeline()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var regarding = new string('案', 42);

        var messageId = (await org.Http.SendAsync(configuration, Contact(ActivityApi.UniqueNumber(), regarding)))[0];

        var page = await Eventually.ReturnsAsync(
            () => org.Http.TimelineAsync($"/v1/timeline?regarding={Uri.EscapeDataString(regarding)}"),
            p => p.MessageIds().Length == 1, timeoutMs: 20_000, pollMs: 100);
        Assert.Equal([messageId], page.MessageIds());
    }

    [Fact]
    public async Task A_request_whose_messages_would_not_fit_its_storage_entity_is_refused_whole_naming_contacts()
    {
        var org = await system.CreateOrgAsync();
        using (var admin = system.Admin())
        {
            (await admin.PutAsJsonAsync($"/v1/orgs/{org.OrgId}/settings", new { maxContactsPerRequest = 1_000, maxRequestsPerHour = 1_000 })).EnsureSuccessStatusCode();
        }

        // 1,600 CJK characters: the longest SMS, and about 10 KB a message once stored.
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync(Api.SmsTemplate(new string('案', 1_600)));
        var contacts = Enumerable.Range(0, 300).Select(i => Contact($"+1415{5_550_000 + i}", null)).ToArray();
        var key = Guid.NewGuid().ToString();

        var refused = await SendAsync(org, configuration, key, contacts);
        var smaller = await SendAsync(org, configuration, key, contacts[..10]);

        var problem = await refused.AssertProblemNaming("contacts");
        Assert.Contains("storage", problem["errors"]!["contacts"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        // Nothing was stored under the key: the same Idempotency-Key takes the smaller request.
        Assert.Equal(HttpStatusCode.Accepted, smaller.StatusCode);
    }

    private static Task<HttpResponseMessage> SendAsync(OrgClient org, Guid configuration, string idempotencyKey, object[] contacts)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/outbound-configurations/{configuration}/send") { Content = JsonContent.Create(new { contacts }) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return org.Http.SendAsync(request);
    }
}
