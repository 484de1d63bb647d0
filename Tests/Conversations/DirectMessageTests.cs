using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Outbound.Activities;
using Outbound.Catalog;
using Outbound.Conversations;
using Outbound.Orgs;
using Outbound.Sending;
using Outbound.Tests.Activities;

namespace Outbound.Tests.Conversations;

/// <summary>
/// Agent replies and keyword answers are direct messages: written for one customer, sent through a channel on the
/// same send path as a configuration's messages, so consent, quota and tracking apply to them alike; and every
/// outbound message can be found as what a customer's reply answers.
/// </summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class DirectMessageTests(OutboundSystem system)
{
    [Fact]
    public async Task A_reply_reaches_the_customer_exactly_as_written_and_is_tracked()
    {
        var org = await system.CreateOrgAsync();
        var (channel, _, _) = await org.Http.CreateSmsSetupAsync();
        var to = ActivityApi.UniqueNumber();
        var conversation = Guid.NewGuid();
        // An agent's text is not a template: braces in it are sent as they are.
        const string text = "Hi {CustomerName}, your case is {CaseName}: we are on it.";

        var receipt = await SendDirectAsync(org, to, Direct(channel, DirectPurpose.Reply, text) with { ConversationId = conversation });

        var messageId = Assert.Single(receipt.Results).MessageId!;
        var message = await org.Http.WaitForMessageAsync(messageId, "delivered");
        Assert.Equal(text, (await LedgerRowAsync(to))["body"]!.GetValue<string>());
        Assert.Equal(("reply", "outbound", conversation), (
            message["purpose"]!.GetValue<string>(), message["direction"]!.GetValue<string>(), message["conversationId"]!.GetValue<Guid>()));
        Assert.Equal(channel, message["channelId"]!.GetValue<Guid>());
        Assert.Equal(Guid.Empty, message["configurationId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task A_direct_message_takes_one_request_of_the_orgs_hourly_quota()
    {
        var org = await system.CreateOrgAsync();
        var (channel, _, _) = await org.Http.CreateSmsSetupAsync();
        var before = (await system.Grains.GetGrain<IOrgGrain>(org.OrgId).GetSendAllowanceAsync())!.Remaining;

        var receipt = await SendDirectAsync(org, ActivityApi.UniqueNumber(), Direct(channel, DirectPurpose.AutoReply, "Reply STOP to opt out."));

        Assert.Equal(before - 1, receipt.Quota!.Remaining);
    }

    [Fact]
    public async Task An_opted_out_customer_gets_the_opt_out_confirmation_and_nothing_else()
    {
        var org = await system.CreateOrgAsync();
        var (channel, _, _) = await org.Http.CreateSmsSetupAsync();
        var to = ActivityApi.UniqueNumber();
        await (await org.Http.PutAsJsonAsync($"/v1/contacts/{to}/consent", new { optedOut = true })).Json(HttpStatusCode.OK);

        var reply = await SendDirectAsync(org, to, Direct(channel, DirectPurpose.Reply, "Anything else?"));
        var help = await SendDirectAsync(org, to, Direct(channel, DirectPurpose.AutoReply, "Contoso: reply START to opt in."));
        var confirmation = await SendDirectAsync(org, to, Direct(channel, DirectPurpose.OptOutConfirmation, "You are unsubscribed. Reply START to opt in."));

        Assert.Equal(ContactStatus.SkippedOptedOut, Assert.Single(reply.Results).Status);
        Assert.Equal(ContactStatus.SkippedOptedOut, Assert.Single(help.Results).Status);
        var message = await org.Http.WaitForMessageAsync(Assert.Single(confirmation.Results).MessageId!, "delivered");
        Assert.Equal("opt_out_confirmation", message["purpose"]!.GetValue<string>());
        Assert.Equal("You are unsubscribed. Reply START to opt in.", (await LedgerRowAsync(to))["body"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("sms", null, "HX0123456789abcdef0123456789abcdef", "contentSid")]
    [InlineData("sms", "", null, "text")]
    [InlineData("whatsapp", null, "HX123", "contentSid")]
    [InlineData("whatsapp", "Hello", "HX0123456789abcdef0123456789abcdef", "text")]
    public void Direct_content_that_cannot_be_sent_on_the_channel_is_invalid_naming_the_field(string channelType, string? text, string? contentSid, string field)
    {
        var message = new DirectMessage(Guid.NewGuid(), DirectPurpose.Reply, text, contentSid, null, null);

        var reason = DirectMessageRules.Validate(message, channelType == "sms" ? ChannelType.Sms : ChannelType.WhatsApp);

        Assert.StartsWith(field + ":", reason);
    }

    [Fact]
    public void Direct_text_is_at_most_1600_characters_and_template_values_at_most_1024()
    {
        var channel = Guid.NewGuid();

        Assert.Null(DirectMessageRules.Validate(Direct(channel, DirectPurpose.Reply, new string('a', 1_600)), ChannelType.Sms));
        Assert.StartsWith("text:", DirectMessageRules.Validate(Direct(channel, DirectPurpose.Reply, new string('a', 1_601)), ChannelType.Sms));
        var template = new DirectMessage(channel, DirectPurpose.Reply, null, "HX0123456789abcdef0123456789abcdef",
            ImmutableDictionary<string, string>.Empty.Add("1", new string('v', 1_025)), null);
        Assert.StartsWith("contentVariables:", DirectMessageRules.Validate(template, ChannelType.WhatsApp));
        Assert.Null(DirectMessageRules.Validate(template with { ContentVariables = template.ContentVariables!.SetItem("1", "Ana") }, ChannelType.WhatsApp));
    }

    [Fact]
    public async Task A_template_on_an_sms_channel_is_refused_before_anything_is_sent()
    {
        var org = await system.CreateOrgAsync();
        var (channel, _, _) = await org.Http.CreateSmsSetupAsync();

        var receipt = await SendDirectAsync(org, ActivityApi.UniqueNumber(),
            new DirectMessage(channel, DirectPurpose.Reply, null, "HX0123456789abcdef0123456789abcdef", null, null));

        var result = Assert.Single(receipt.Results);
        Assert.Equal((ContactStatus.Invalid, (string?)null), (result.Status, result.MessageId));
        Assert.StartsWith("contentSid:", result.Reason);
    }

    [Fact]
    public async Task A_direct_message_is_for_one_customer_through_an_existing_channel()
    {
        var org = await system.CreateOrgAsync();
        var (channel, _, _) = await org.Http.CreateSmsSetupAsync();
        var direct = Direct(channel, DirectPurpose.Reply, "Hello");

        var two = await Batch(org).AcceptAsync(new SendRequest(Guid.Empty, [Contact(ActivityApi.UniqueNumber()), Contact(ActivityApi.UniqueNumber())]) { Direct = direct }, "h");
        var noChannel = await SendDirectAsync(org, ActivityApi.UniqueNumber(), direct with { ChannelId = Guid.NewGuid() });

        Assert.Equal(ReceiptStatus.TooManyContacts, two.Status);
        Assert.Equal(ReceiptStatus.ChannelNotFound, noChannel.Status);
    }

    [Fact]
    public async Task A_reply_finds_the_hidden_notification_it_answers_while_the_timeline_shows_only_what_is_shown()
    {
        var org = await system.CreateOrgAsync();
        var (channel, template, _) = await org.Http.CreateSmsSetupAsync();
        var hidden = await org.Http.CreateConfigurationAsync(channel, template, showInTimeline: false);
        var to = ActivityApi.UniqueNumber();
        var since = DateTimeOffset.UtcNow.AddDays(-7);
        var notification = (await org.Http.SendAsync(hidden, ActivityApi.Contact(to, regarding: "incident-7")))[0];
        await org.Http.WaitForMessageAsync(notification, "delivered");
        // A reply sent since is not what the customer answers: it names no notification or case.
        var reply = Assert.Single((await SendDirectAsync(org, to, Direct(channel, DirectPurpose.Reply, "Looking into it."))).Results).MessageId!;

        var linked = await Eventually.ReturnsAsync(() => Query(org).FindLastOutboundAsync(to, channel, since), l => l is not null, timeoutMs: 20_000, pollMs: 100);
        var timeline = await Eventually.ReturnsAsync(
            () => org.Http.TimelineAsync($"/v1/contacts/{Uri.EscapeDataString(to)}/timeline"),
            page => page.MessageIds().Length > 0, timeoutMs: 20_000, pollMs: 100);

        Assert.Equal((notification, hidden, "incident-7", "Hi Ana, case CAS-1 is open."), (linked!.MessageId, linked.ConfigurationId, linked.RegardingEntity, linked.Body));
        Assert.Equal([reply], timeline.MessageIds());
        Assert.Equal("reply", timeline["items"]![0]!["purpose"]!.GetValue<string>());
    }

    [Fact]
    public async Task Hidden_messages_do_not_leave_a_timeline_page_short()
    {
        var org = await system.CreateOrgAsync();
        var (_, template, shown) = await org.Http.CreateSmsSetupAsync();
        var bulkChannel = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel(from: "+14155550112"));
        var hidden = await org.Http.CreateConfigurationAsync(bulkChannel, template, showInTimeline: false);
        var to = ActivityApi.UniqueNumber();
        var older = (await org.Http.SendAsync(shown, ActivityApi.Contact(to)))[0];
        var hiddenIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            hiddenIds.AddRange(await org.Http.SendAsync(hidden, ActivityApi.Contact(to)));
        }

        var newer = (await org.Http.SendAsync(shown, ActivityApi.Contact(to)))[0];
        var path = $"/v1/contacts/{Uri.EscapeDataString(to)}/timeline?pageSize=1";
        // The hidden rows are in the customer's timeline (a reply would find them).
        await Eventually.ReturnsAsync(() => Query(org).FindLastOutboundAsync(to, bulkChannel, DateTimeOffset.UtcNow.AddDays(-1)),
            l => l?.MessageId == hiddenIds[^1], timeoutMs: 20_000, pollMs: 100);
        var first = await Eventually.ReturnsAsync(() => org.Http.TimelineAsync(path), p => p.MessageIds().Length == 1 && p["nextCursor"] is not null, timeoutMs: 20_000, pollMs: 100);
        var second = await Eventually.ReturnsAsync(() => org.Http.TimelineAsync($"{path}&cursor={first["nextCursor"]}"), p => p.MessageIds().Length == 1, timeoutMs: 20_000, pollMs: 100);

        Assert.Equal([newer], first.MessageIds());
        Assert.Equal([older], second.MessageIds());
        Assert.Null(second["nextCursor"]);
    }

    [Fact]
    public async Task The_message_a_reply_answers_is_the_newest_on_its_channel_within_the_window()
    {
        var org = await system.CreateOrgAsync();
        var (smsChannel, template, configuration) = await org.Http.CreateSmsSetupAsync();
        var otherChannel = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel(from: "+14155550111"));
        var other = await org.Http.CreateAsync("/v1/outbound-configurations", Api.Configuration(otherChannel, template), "configurationId");
        var to = ActivityApi.UniqueNumber();
        var answered = (await org.Http.SendAsync(configuration, ActivityApi.Contact(to)))[0];
        var onOtherChannel = (await org.Http.SendAsync(other, ActivityApi.Contact(to)))[0];
        var weekAgo = DateTimeOffset.UtcNow.AddDays(-7);

        // The other channel's message is newer, and is found on its own channel only.
        var onOther = await Eventually.ReturnsAsync(() => Query(org).FindLastOutboundAsync(to, otherChannel, weekAgo), l => l is not null, timeoutMs: 20_000, pollMs: 100);
        var linked = await Eventually.ReturnsAsync(() => Query(org).FindLastOutboundAsync(to, smsChannel, weekAgo), l => l is not null, timeoutMs: 20_000, pollMs: 100);
        var afterIt = await Query(org).FindLastOutboundAsync(to, smsChannel, linked!.SentAt.AddTicks(1));

        Assert.Equal(onOtherChannel, onOther!.MessageId);
        Assert.Equal((answered, configuration), (linked.MessageId, linked.ConfigurationId));
        Assert.Null(afterIt);
    }

    [Fact]
    public async Task Another_orgs_messages_are_never_what_a_reply_answers()
    {
        var (a, b) = (await system.CreateOrgAsync("A"), await system.CreateOrgAsync("B"));
        var (channel, _, configuration) = await a.Http.CreateSmsSetupAsync();
        var to = ActivityApi.UniqueNumber();
        await a.Http.SendAsync(configuration, ActivityApi.Contact(to));
        var weekAgo = DateTimeOffset.UtcNow.AddDays(-7);
        await Eventually.ReturnsAsync(() => Query(a).FindLastOutboundAsync(to, channel, weekAgo), l => l is not null, timeoutMs: 20_000, pollMs: 100);

        Assert.Null(await Query(b).FindLastOutboundAsync(to, channel, weekAgo));
    }

    [Fact]
    public async Task Expiry_removes_a_hidden_message_from_what_replies_can_answer()
    {
        var org = await system.CreateOrgAsync();
        var (channel, template, _) = await org.Http.CreateSmsSetupAsync();
        var hidden = await org.Http.CreateConfigurationAsync(channel, template, showInTimeline: false);
        var to = ActivityApi.UniqueNumber();
        var messageId = (await org.Http.SendAsync(hidden, ActivityApi.Contact(to)))[0];
        var weekAgo = DateTimeOffset.UtcNow.AddDays(-7);
        await Eventually.ReturnsAsync(() => Query(org).FindLastOutboundAsync(to, channel, weekAgo), l => l is not null, timeoutMs: 20_000, pollMs: 100);
        Assert.True(MessageIds.TryParse(messageId, out var batchId, out _));

        await system.Grains.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(org.OrgId, batchId)).ExpireAsync();

        Assert.Null(await Query(org).FindLastOutboundAsync(to, channel, weekAgo));
    }

    [Fact]
    public async Task Expiry_of_an_older_message_leaves_the_newer_one_a_reply_answers()
    {
        var org = await system.CreateOrgAsync();
        var (channel, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var to = ActivityApi.UniqueNumber();
        var older = (await org.Http.SendAsync(configuration, ActivityApi.Contact(to)))[0];
        var newer = (await org.Http.SendAsync(configuration, ActivityApi.Contact(to)))[0];
        var weekAgo = DateTimeOffset.UtcNow.AddDays(-7);
        await Eventually.ReturnsAsync(() => Query(org).FindLastOutboundAsync(to, channel, weekAgo), l => l?.MessageId == newer, timeoutMs: 20_000, pollMs: 100);
        Assert.True(MessageIds.TryParse(older, out var olderBatch, out _));

        await system.Grains.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(org.OrgId, olderBatch)).ExpireAsync();

        Assert.Equal(newer, (await Query(org).FindLastOutboundAsync(to, channel, weekAgo))?.MessageId);
    }

    private static DirectMessage Direct(Guid channel, DirectPurpose purpose, string text) => new(channel, purpose, text, null, null, null);

    private static SendContact Contact(string to) => new(to, true, null, ImmutableDictionary<string, string>.Empty, null);

    private ISendBatchGrain Batch(OrgClient org) =>
        system.Grains.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(org.OrgId, Guid.CreateVersion7()));

    private IActivityQueryGrain Query(OrgClient org) => system.Grains.GetGrain<IActivityQueryGrain>(org.OrgId);

    /// <summary>Sends one direct message the way a conversation does: straight to a new batch of the send path.</summary>
    private async Task<SendReceipt> SendDirectAsync(OrgClient org, string to, DirectMessage direct)
    {
        var receipt = await Batch(org).AcceptAsync(new SendRequest(Guid.Empty, [Contact(to)]) { Direct = direct }, Guid.NewGuid().ToString("N"));
        return receipt;
    }

    private async Task<JsonObject> LedgerRowAsync(string to)
    {
        var row = Assert.Single(await system.Providers.LedgerAsync(), r => r.TryGetProperty("to", out var t) && t.GetString() == to);
        return JsonNode.Parse(row.GetRawText())!.AsObject();
    }
}
