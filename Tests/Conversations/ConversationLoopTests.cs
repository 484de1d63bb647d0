using System.Net;
using System.Net.Http.Json;
using Outbound.Tests.Activities;
using Outbound.Tests.Inbound;
using Outbound.Tests.Infrastructure;
using Outbound.Tests.Routing;

namespace Outbound.Tests.Conversations;

/// <summary>
/// The whole loop a contact center runs: a notification goes out, the customer answers, the answer reaches an
/// available agent's screen linked to the notification, the agent replies, and a STOP ends the messages.
/// </summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ConversationLoopTests(OutboundSystem system)
{
    [Fact]
    public async Task A_customers_answer_reaches_an_available_agent_linked_to_the_notification_and_the_agents_reply_reaches_the_customer()
    {
        var org = await system.CreateOrgAsync();
        var (channel, webhookUrl) = await org.CreateChannelAsync(Api.TwilioSmsChannel());
        var template = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate());
        var configuration = await org.Http.CreateAsync("/v1/outbound-configurations", Api.Configuration(channel, template), "configurationId");
        var queue = await org.Http.CreateAsync("/v1/queues", new { name = "Support", channelIds = new[] { channel }, strategy = "round-robin" });
        var agent = await org.Http.CreateAsync("/v1/agents", new { name = "Ana", queueIds = new[] { queue }, capacity = 2 });
        var agentKey = (await (await org.Http.PostAsJsonAsync($"/v1/agents/{agent}/api-keys", new { name = "Ana's desk" })).Json(HttpStatusCode.Created))["key"]!.GetValue<string>();
        using var asAgent = system.WithBearer(agentKey);
        await (await asAgent.PutAsJsonAsync("/v1/agents/me/presence", new { status = "available" })).Json(HttpStatusCode.OK);
        using var events = await asAgent.OpenEventsAsync();
        var customer = Conversations.NewCustomer();

        var notification = (await org.Http.SendAsync(configuration, new
        {
            tocontactid = customer, optin = true, entityrelationshipname = "incident:CAS-7",
            contextitems = new Dictionary<string, string> { ["CustomerName"] = "Zoë", ["CaseName"] = "CAS-7" },
        }))[0];
        await org.Http.WaitForMessageAsync(notification, "delivered");
        var answer = await system.TextAsync(webhookUrl!, customer, "+14155550100", "Is the technician still coming?");

        Assert.Equal(200, answer.Status);
        var (_, assigned) = await events.ReadEventAsync("assigned");
        Assert.Equal<(string, string, string)>((customer, notification, "incident:CAS-7"), (
            assigned["customer"]!.GetValue<string>(),
            assigned["answers"]!["messageId"]!.GetValue<string>(),
            assigned["answers"]!["entityrelationshipname"]!.GetValue<string>()));
        var conversationId = assigned["conversationId"]!.GetValue<Guid>();
        var reply = await (await asAgent.PostAsJsonAsync($"/v1/conversations/{conversationId}/messages", new { text = "Yes, between 2 and 4 pm." })).Json(HttpStatusCode.Accepted);
        var replyId = reply["messageId"]!.GetValue<string>();
        await org.Http.WaitForMessageAsync(replyId, "delivered");

        Assert.Contains(await system.LedgerToAsync(customer), r => r.GetProperty("body").GetString() == "Yes, between 2 and 4 pm.");
        var timeline = await Eventually.ReturnsAsync(
            async () => await (await org.Http.GetAsync($"/v1/contacts/{customer}/timeline")).Json(HttpStatusCode.OK),
            page => page["items"]!.AsArray().Count == 3);
        string[] newestFirst = [replyId, "inbound", notification];
        Assert.Equal(newestFirst, timeline["items"]!.AsArray().Select(i =>
            i!["direction"]!.GetValue<string>() == "inbound" ? "inbound" : i["messageId"]!.GetValue<string>()).ToArray());
        var mine = await (await asAgent.GetAsync("/v1/agents/me/conversations")).Json(HttpStatusCode.OK);
        Assert.Equal(conversationId, Assert.Single(mine["items"]!.AsArray())!["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task A_STOP_from_the_customer_makes_the_next_send_skip_them()
    {
        var org = await system.CreateOrgAsync();
        var (channel, webhookUrl) = await org.CreateChannelAsync(Api.TwilioSmsChannel());
        var template = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate());
        var configuration = await org.Http.CreateAsync("/v1/outbound-configurations", Api.Configuration(channel, template), "configurationId");
        var customer = Conversations.NewCustomer();

        await system.TextAsync(webhookUrl!, customer, "+14155550100", "Stop");

        var next = await org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{configuration}/send", new
        {
            contacts = new[] { new { tocontactid = customer, optin = true, contextitems = new Dictionary<string, string> { ["CustomerName"] = "Zoë", ["CaseName"] = "CAS-8" } } },
        });
        Assert.Equal("skipped_opted_out", (await next.Json(HttpStatusCode.Accepted))["results"]![0]!["status"]!.GetValue<string>());
    }
}
