using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Sending;

/// <summary>Twilio's status callbacks move messages forward, and only when Twilio really signed them.</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class StatusCallbackTests(OutboundSystem system)
{
    private async Task<(OrgClient Org, string MessageId)> SendOneAsync()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var response = await (await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", new
        {
            contacts = new[] { new { tocontactid = "+14155550142", optin = true, contextitems = new Dictionary<string, string> { ["CustomerName"] = "Ana", ["CaseName"] = "CAS-1" } } },
        })).Json(HttpStatusCode.Accepted);
        return (org, response["results"]![0]!["messageId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_message_becomes_delivered_when_twilio_reports_it_with_its_whole_history()
    {
        var (org, messageId) = await SendOneAsync();

        var message = await org.Http.WaitForMessageAsync(messageId, "delivered");

        Assert.Equal(["accepted", "sending", "sent", "delivered"], message["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("outOfOrder")]
    [InlineData("duplicateCallbacks")]
    public async Task Out_of_order_or_repeated_callbacks_still_end_delivered(string fault)
    {
        await system.Providers.SetFaultsAsync(new Dictionary<string, object> { [fault] = true });
        try
        {
            var (org, messageId) = await SendOneAsync();

            var message = await org.Http.WaitForMessageAsync(messageId, "delivered");
            await Task.Delay(500);

            var settled = await (await org.Http.GetAsync($"/v1/messages/{messageId}")).Json(HttpStatusCode.OK);
            Assert.Equal("delivered", settled["status"]!.GetValue<string>());
            Assert.Single(settled["history"]!.AsArray(), h => h!["status"]!.GetValue<string>() == "delivered");
        }
        finally
        {
            (await system.Providers.Http.DeleteAsync("/_faults")).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task A_callback_with_a_forged_signature_or_for_another_url_or_with_an_altered_parameter_is_refused()
    {
        var (org, messageId) = await SendOneAsync();
        var delivered = await org.Http.WaitForMessageAsync(messageId, "delivered");
        var url = system.Url(org.OrgId, messageId);
        var form = TwilioCallbacks.Form(delivered["providerMessageId"]!.GetValue<string>(), "read");
        var genuine = TwilioCallbacks.Sign(url, form);

        var forged = await system.PostCallbackAsync(url, form, Convert.ToBase64String(new byte[20]));
        var otherUrl = await system.PostCallbackAsync(url + "0", form, genuine);
        var altered = await system.PostCallbackAsync(url, new Dictionary<string, string>(form) { ["MessageStatus"] = "failed" }, genuine);

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden], new[] { forged, otherUrl, altered });
        await Task.Delay(300);
        Assert.Equal("delivered", (await (await org.Http.GetAsync($"/v1/messages/{messageId}")).Json(HttpStatusCode.OK))["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, await system.PostCallbackAsync(url, form, genuine));
        await org.Http.WaitForMessageAsync(messageId, "read");
    }

    [Fact]
    public async Task A_genuine_late_failed_callback_after_delivered_changes_nothing()
    {
        var (org, messageId) = await SendOneAsync();
        var delivered = await org.Http.WaitForMessageAsync(messageId, "delivered");
        var url = system.Url(org.OrgId, messageId);
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = delivered["providerMessageId"]!.GetValue<string>(),
            ["MessageStatus"] = "failed",
            ["ErrorCode"] = "30008",
            ["AccountSid"] = Api.AccountSid,
        };

        Assert.Equal(HttpStatusCode.NoContent, await system.PostCallbackAsync(url, form));
        await Task.Delay(1_500); // past the coalesced write

        var after = await (await org.Http.GetAsync($"/v1/messages/{messageId}")).Json(HttpStatusCode.OK);
        Assert.Equal("delivered", after["status"]!.GetValue<string>());
        Assert.Null(after["errorCode"]);
        Assert.Equal(delivered["history"]!.ToJsonString(), after["history"]!.ToJsonString());
    }
}
