using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Outbound.Catalog;
using Outbound.Conversations;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Conversations;

/// <summary>What an admin (and an agent) sees of a conversation and does with it through the conversations API.</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ConversationApiTests(OutboundSystem system)
{
    [Fact]
    public async Task A_conversation_shows_its_transcript_and_the_outbound_message_it_answers()
    {
        var org = await system.CreateOrgAsync();
        var channel = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());
        var customer = Conversations.NewCustomer();
        var answers = new LinkedOutbound("0123456789abcdef0123456789abcdef-0", Guid.NewGuid(), "incident:CAS-42", DateTimeOffset.UtcNow.AddHours(-1), "Your case CAS-42 is open.", null);
        var id = await system.OpenAsync(org.OrgId, Conversations.Message(channel, customer, "Is it fixed yet?"), answers);

        var conversation = await (await org.Http.GetAsync($"/v1/conversations/{id}")).Json(HttpStatusCode.OK);

        Assert.Equal((customer, "sms"), (conversation["customer"]!.GetValue<string>(), conversation["channelType"]!.GetValue<string>()));
        Assert.Equal("incident:CAS-42", conversation["answers"]!["entityrelationshipname"]!.GetValue<string>());
        Assert.Equal(answers.ConfigurationId, conversation["answers"]!["configurationId"]!.GetValue<Guid>());
        var entry = conversation["transcript"]![0]!;
        Assert.Equal(("inbound", "Is it fixed yet?"), (entry["kind"]!.GetValue<string>(), entry["text"]!.GetValue<string>()));
        Assert.Null(conversation["replyWindowEndsAt"]);
    }

    [Fact]
    public async Task A_free_form_WhatsApp_reply_a_day_after_the_customer_wrote_needs_a_template()
    {
        var org = await system.CreateOrgAsync();
        var channel = Guid.NewGuid();
        var id = await system.OpenAsync(org.OrgId, Conversations.Message(
            channel, Conversations.NewCustomer(), "Hello?", ChannelType.WhatsApp, DateTimeOffset.UtcNow.AddHours(-25)));

        var response = await org.Http.PostAsJsonAsync($"/v1/conversations/{id}/messages", new { text = "Sorry for the wait!" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Json(HttpStatusCode.Conflict);
        Assert.Contains("contentSid", problem["title"]!.GetValue<string>());
        var conversation = await (await org.Http.GetAsync($"/v1/conversations/{id}")).Json(HttpStatusCode.OK);
        Assert.Single(conversation["transcript"]!.AsArray());
    }

    [Fact]
    public async Task A_reply_to_a_closed_conversation_is_refused_and_the_next_message_needs_a_new_one()
    {
        var org = await system.CreateOrgAsync();
        var channel = Guid.NewGuid();
        var customer = Conversations.NewCustomer();
        var id = await system.OpenAsync(org.OrgId, Conversations.Message(channel, customer, "Thanks, all good."));

        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.PostAsync($"/v1/conversations/{id}/close", null)).StatusCode);

        var reply = await org.Http.PostAsJsonAsync($"/v1/conversations/{id}/messages", new { text = "Glad to help." });
        Assert.Equal(HttpStatusCode.Conflict, reply.StatusCode);
        var later = await system.Grains.GetGrain<IConversationGrain>(ConversationKeys.Conversation(org.OrgId, id))
            .ReceiveAsync(Conversations.Message(channel, customer, "One more thing"), null);
        Assert.Equal(ReceiveResult.Closed, later);
        var conversation = await (await org.Http.GetAsync($"/v1/conversations/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal("closed", conversation["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Admins_list_the_orgs_conversations_newest_first_by_status()
    {
        var org = await system.CreateOrgAsync();
        var channel = Guid.NewGuid();
        var first = await system.OpenAsync(org.OrgId, Conversations.Message(channel, Conversations.NewCustomer(), "first"));
        var second = await system.OpenAsync(org.OrgId, Conversations.Message(channel, Conversations.NewCustomer(), "second"));
        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.PostAsync($"/v1/conversations/{first}/close", null)).StatusCode);

        var open = await Eventually.ReturnsAsync(
            async () => await (await org.Http.GetAsync("/v1/conversations?status=waiting")).Json(HttpStatusCode.OK),
            page => page["items"]!.AsArray().Count == 1);
        var all = await Eventually.ReturnsAsync(
            async () => await (await org.Http.GetAsync("/v1/conversations")).Json(HttpStatusCode.OK),
            page => page["items"]!.AsArray().Count == 2 && page["items"]![1]!["status"]!.GetValue<string>() == "closed");

        Assert.Equal(second, open["items"]![0]!["conversationId"]!.GetValue<Guid>());
        Assert.Equal([second, first], all["items"]!.AsArray().Select(c => c!["conversationId"]!.GetValue<Guid>()));
    }

    [Fact]
    public async Task A_send_key_reaches_no_conversation()
    {
        var org = await system.CreateOrgAsync();
        var id = await system.OpenAsync(org.OrgId, Conversations.Message(Guid.NewGuid(), Conversations.NewCustomer(), "hi"));
        var key = await (await org.Http.PostAsJsonAsync("/v1/api-keys", new { name = "integration", scope = "send" })).Json(HttpStatusCode.Created);
        using var send = system.WithBearer(key["key"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Forbidden, (await send.GetAsync($"/v1/conversations/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await send.PostAsJsonAsync($"/v1/conversations/{id}/messages", new { text = "x" })).StatusCode);
    }

    [Fact]
    public async Task A_transfer_names_exactly_one_target()
    {
        var org = await system.CreateOrgAsync();
        var id = await system.OpenAsync(org.OrgId, Conversations.Message(Guid.NewGuid(), Conversations.NewCustomer(), "hi"));

        var response = await org.Http.PostAsJsonAsync($"/v1/conversations/{id}/transfer", new { agentId = Guid.NewGuid(), queueId = Guid.NewGuid() });

        await response.AssertProblemNaming("agentId");
    }

    [Fact]
    public async Task An_agents_reply_reaches_the_customer_joins_the_transcript_and_is_sent_once_per_idempotency_key()
    {
        var org = await system.CreateOrgAsync();
        var (channel, _, _) = await org.Http.CreateSmsSetupAsync();
        var customer = Conversations.NewCustomer();
        var id = await system.OpenAsync(org.OrgId, Conversations.Message(channel, customer, "Where is my parcel?"));
        using var reply = new HttpRequestMessage(HttpMethod.Post, $"/v1/conversations/{id}/messages")
        {
            Content = JsonContent.Create(new { text = "It arrives {tomorrow}." }),
        };
        reply.Headers.Add("Idempotency-Key", "reply-1");

        var sent = await (await org.Http.SendAsync(reply)).Json(HttpStatusCode.Accepted);
        var again = await (await org.Http.SendAsync(Clone(reply))).Json(HttpStatusCode.Accepted);

        var messageId = sent["messageId"]!.GetValue<string>();
        Assert.Equal(messageId, again["messageId"]!.GetValue<string>());
        var message = await org.Http.WaitForMessageAsync(messageId, "delivered");
        Assert.Equal(("reply", id), (message["purpose"]!.GetValue<string>(), message["conversationId"]!.GetValue<Guid>()));
        var ledger = (await system.Providers.LedgerAsync()).Where(r => r.TryGetProperty("to", out var to) && to.GetString() == customer).ToList();
        Assert.Equal("It arrives {tomorrow}.", Assert.Single(ledger).GetProperty("body").GetString());
        var conversation = await (await org.Http.GetAsync($"/v1/conversations/{id}")).Json(HttpStatusCode.OK);
        var answer = conversation["transcript"]!.AsArray().Single(e => e!["kind"]!.GetValue<string>() == "agent")!;
        Assert.Equal(messageId, answer["messageId"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_customers_messages_and_the_agents_replies_are_on_the_customers_timeline()
    {
        var org = await system.CreateOrgAsync();
        var (channel, _, _) = await org.Http.CreateSmsSetupAsync();
        var customer = Conversations.NewCustomer();
        var id = await system.OpenAsync(org.OrgId, Conversations.Message(channel, customer, "Can I change the address?"));
        var reply = await (await org.Http.PostAsJsonAsync($"/v1/conversations/{id}/messages", new { text = "Yes: reply with the new one." })).Json(HttpStatusCode.Accepted);

        var timeline = await Eventually.ReturnsAsync(
            async () => await (await org.Http.GetAsync($"/v1/contacts/{customer}/timeline")).Json(HttpStatusCode.OK),
            page => page["items"]!.AsArray().Count == 2);

        var items = timeline["items"]!.AsArray();
        Assert.Equal(reply["messageId"]!.GetValue<string>(), items[0]!["messageId"]!.GetValue<string>());
        Assert.Equal(("inbound", "received", "Can I change the address?"),
            (items[1]!["direction"]!.GetValue<string>(), items[1]!["status"]!.GetValue<string>(), items[1]!["body"]!.GetValue<string>()));
        Assert.Equal(id, items[1]!["conversationId"]!.GetValue<Guid>());
    }

    private static HttpRequestMessage Clone(HttpRequestMessage request)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Content = JsonContent.Create(new { text = "It arrives {tomorrow}." }) };
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return copy;
    }
}
