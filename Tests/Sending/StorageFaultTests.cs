using System.Net;
using System.Net.Http.Json;
using Outbound.Sending;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Sending;

/// <summary>
/// Storage that fails reaches clients as 503 with Retry-After, never as a 500, and never with part of a request
/// accepted; a status report is acknowledged only once it is stored.
/// </summary>
[Collection(DeliveryFaultsCollection.Name)]
[Trait("Category", "Integration")]
public sealed class StorageFaultTests(DeliveryFaultsSystem system)
{
    [Fact]
    public async Task A_send_while_storage_is_down_is_a_503_with_retry_after_and_its_repeat_is_accepted_once()
    {
        var (org, configuration, run) = await system.NewSmsSenderAsync();
        HttpRequestMessage Send() => new(HttpMethod.Post, $"/v1/outbound-configurations/{configuration}/send")
        {
            Content = JsonContent.Create(Deliveries.Body(run, 3)),
            Headers = { { "Idempotency-Key", run } },
        };

        system.Faults.StorageDown = true;
        HttpResponseMessage refused;
        try
        {
            refused = await org.Http.SendAsync(Send());
        }
        finally
        {
            system.Faults.Clear();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(refused.Headers.RetryAfter);
        var repeated = await org.Http.SendAsync(Send());
        var ids = (await repeated.Json(HttpStatusCode.Accepted))["results"]!.AsArray().Select(r => r!["messageId"]!.GetValue<string>()).ToArray();
        Assert.False(repeated.Headers.Contains("Idempotent-Replayed"));
        await org.WaitUntilAllAsync(ids, m => m.IsSentOrDelivered());
        await system.AssertEachSentOnceAsync(run, 3);
    }

    [Fact]
    public async Task Changing_the_catalog_while_storage_is_down_is_a_503_with_retry_after()
    {
        var org = await system.CreateOrgAsync();

        system.Faults.StorageDown = true;
        HttpResponseMessage refused;
        try
        {
            refused = await org.Http.PostAsJsonAsync("/v1/templates", Api.SmsTemplate());
        }
        finally
        {
            system.Faults.Clear();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_status_callback_is_acknowledged_only_once_its_status_is_stored()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var messageId = (await org.SendTaggedAsync(configuration, Guid.NewGuid().ToString("N"), 1))[0];
        var delivered = await org.Http.WaitForMessageAsync(messageId, "delivered");
        var url = system.Url(org.OrgId, messageId);
        var form = TwilioCallbacks.Form(delivered["providerMessageId"]!.GetValue<string>(), "read");

        system.Faults.FailingStateWrites = "progress";
        HttpStatusCode whileFailing;
        try
        {
            whileFailing = await system.PostCallbackAsync(url, form);
        }
        finally
        {
            system.Faults.Clear();
        }

        var once = await system.PostCallbackAsync(url, form);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileFailing);
        Assert.Equal(HttpStatusCode.NoContent, once);
        // Acknowledged means stored: the row already says read, not only the grain's memory.
        Assert.Equal(MessageStatus.Read, await system.StoredStatusAsync(org.OrgId, messageId));
    }
}
