using System.Net;
using System.Net.Http.Json;
using Outbound.Catalog;
using Outbound.Channels;
using Outbound.Contacts;
using Outbound.Conversations;
using Outbound.Gateway.Callbacks;
using Outbound.Tests.Infrastructure;
using Outbound.Tests.Keys;
using Outbound.Tests.ProviderFake;

namespace Outbound.Tests.Inbound;

/// <summary>
/// A customer's reply reaches the product: Twilio's messaging webhook (signed with the channel's auth token, at the
/// channel's inboundWebhookUrl) and ACS's SMSReceived events are stored in the customer's conversation before they
/// are acknowledged, once per provider message id; anything not the channel's is refused.
/// </summary>
[Trait("Category", "Integration")]
public sealed class InboundMessageTests(RecordingSystem system) : IClassFixture<RecordingSystem>
{
    private const string Number = "+14155550100";

    [Fact]
    public async Task A_twilio_channel_shows_the_webhook_url_to_set_in_the_console_and_an_acs_channel_none()
    {
        var org = await system.CreateOrgAsync();

        var (twilio, url) = await org.CreateChannelAsync(Api.TwilioSmsChannel());
        var (_, acsUrl) = await org.CreateChannelAsync(Api.AcsSmsChannel());

        Assert.StartsWith($"{system.GatewayUrl.ToString().TrimEnd('/')}/v1/callbacks/twilio/inbound?channel={org.OrgId:N}.{twilio:N}&token=", url);
        Assert.Null(acsUrl);
        var listed = await (await org.Http.GetAsync("/v1/channels")).Json(HttpStatusCode.OK);
        Assert.Equal(url, listed["items"]!.AsArray().Single(c => c!["id"]!.GetValue<Guid>() == twilio)!["inboundWebhookUrl"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_customers_sms_is_answered_with_empty_twiml_once_it_is_stored_in_a_new_conversation()
    {
        var org = await system.CreateOrgAsync();
        var (channel, url) = await org.CreateChannelAsync(Api.TwilioSmsChannel());
        var customer = Inbound.NewCustomer();

        var answer = await system.TextAsync(url!, customer, Number, "My parcel has not arrived");

        Assert.Equal((200, TwilioInboundApi.EmptyTwiml), (answer.Status, answer.Body));
        var conversation = await system.ConversationAsync(org.OrgId, customer, channel);
        Assert.NotNull(conversation);
        Assert.Equal((customer, channel, ChannelType.Sms, ConversationStatus.Waiting), (conversation.Customer, conversation.ChannelId, conversation.ChannelType, conversation.Status));
        var entry = Assert.Single(conversation.Transcript);
        Assert.Equal((TranscriptEntryKind.Inbound, "My parcel has not arrived", answer.MessageId), (entry.Kind, entry.Text, entry.ProviderMessageId));
    }

    [Fact]
    public async Task A_redelivered_message_sid_changes_nothing_and_the_next_message_joins_the_open_conversation()
    {
        var org = await system.CreateOrgAsync();
        var (channel, url) = await org.CreateChannelAsync(Api.TwilioSmsChannel());
        var customer = Inbound.NewCustomer();
        var first = Form("SM00000000000000000000000000000001", customer, "Hello?");
        var second = Form("SM00000000000000000000000000000002", customer, "Anyone there?");

        foreach (var form in new[] { first, first, second, second })
        {
            Assert.Equal(HttpStatusCode.OK, await system.PostCallbackAsync(url!, form));
        }

        var conversation = await system.ConversationAsync(org.OrgId, customer, channel);
        Assert.Equal(["Hello?", "Anyone there?"], conversation!.Transcript.Select(e => e.Text));
    }

    [Fact]
    public async Task After_the_conversation_closed_the_customers_next_message_opens_a_new_one()
    {
        var org = await system.CreateOrgAsync();
        var (channel, url) = await org.CreateChannelAsync(Api.TwilioSmsChannel());
        var customer = Inbound.NewCustomer();
        var contact = system.Grains.GetGrain<IContactGrain>(ContactKeys.Contact(org.OrgId, customer));
        await system.TextAsync(url!, customer, Number, "First question");
        var first = (await system.ConversationAsync(org.OrgId, customer, channel))!.ConversationId;

        await contact.ConversationClosedAsync(channel, first);
        await Eventually.ReturnsAsync(() => contact.GetOpenConversationAsync(channel), open => open is null);
        await system.TextAsync(url!, customer, Number, "Second question");

        var second = await system.ConversationAsync(org.OrgId, customer, channel);
        Assert.NotEqual(first, second!.ConversationId);
        Assert.Equal("Second question", Assert.Single(second.Transcript).Text);
    }

    [Fact]
    public async Task A_message_without_the_channels_twilio_signature_is_refused_and_stores_nothing()
    {
        var org = await system.CreateOrgAsync();
        var (channel, url) = await org.CreateChannelAsync(Api.TwilioSmsChannel());
        var customer = Inbound.NewCustomer();
        var form = Form("SM00000000000000000000000000000003", customer, "Hi");

        using var http = system.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", TwilioCallbacks.Sign(url + "&x=1", form));
        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(await system.ConversationAsync(org.OrgId, customer, channel));
    }

    [Fact]
    public async Task A_webhook_url_the_cluster_did_not_sign_is_refused_without_a_grain_call()
    {
        var org = await system.CreateOrgAsync();
        var (channel, url) = await org.CreateChannelAsync(Api.TwilioSmsChannel());
        var (other, _) = await org.CreateChannelAsync(Api.TwilioSmsChannel("+14155550101"));
        var tokenless = url!.Split("&token=")[0];
        var otherChannelsToken = (await org.Http.GetFromJsonAsync<Dictionary<string, object>>($"/v1/channels/{other}"))!["inboundWebhookUrl"].ToString()!.Split("&token=")[1];
        var form = Form("SM00000000000000000000000000000004", Inbound.NewCustomer(), "Hi");
        var inbound = system.Grains.GetGrain<IInboundGrain>(0);
        var calls = system.Calls.To(inbound).Count;

        foreach (var forged in new[] { tokenless, $"{tokenless}&token=", $"{tokenless}&token={otherChannelsToken}", $"{tokenless}&token={url.Split("&token=")[1][..^2]}AA" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, await system.PostCallbackAsync(forged, form));
        }

        Assert.Equal(calls, system.Calls.To(inbound).Count);
        Assert.DoesNotContain(nameof(IChannelGrain.IsTwilioSignatureAsync), system.Calls.To(system.Grains.GetGrain<IChannelGrain>(CatalogKeys.Item(org.OrgId, channel))));
    }

    [Fact]
    public async Task A_sender_that_is_not_a_phone_number_is_a_problem_naming_From()
    {
        var org = await system.CreateOrgAsync();
        var (_, url) = await org.CreateChannelAsync(Api.TwilioSmsChannel());
        var form = Form("SM00000000000000000000000000000005", "client:alice", "Hi");

        using var http = system.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", TwilioCallbacks.Sign(url!, form));

        await (await http.SendAsync(request)).AssertProblemNaming("From");
    }

    [Fact]
    public async Task A_whatsapp_message_is_the_customers_number_with_their_profile_name()
    {
        var org = await system.CreateOrgAsync();
        var (channel, url) = await org.CreateChannelAsync(new
        {
            name = "WhatsApp", type = "whatsapp", provider = "twilio", from = $"whatsapp:{Number}",
            twilio = new { accountSid = Api.AccountSid, authToken = Api.TwilioAuthToken },
        });
        var customer = Inbound.NewCustomer();

        var answer = await system.TextAsync(url!, $"whatsapp:{customer}", $"whatsapp:{Number}", "Hola", profileName: "Ana Pérez");

        Assert.Equal(200, answer.Status);
        var conversation = await system.ConversationAsync(org.OrgId, customer, channel);
        Assert.Equal((customer, ChannelType.WhatsApp, "Ana Pérez"), (conversation!.Customer, conversation.ChannelType, conversation.ProfileName));
        Assert.Equal("Hola", Assert.Single(conversation.Transcript).Text);
    }

    [Fact]
    public async Task An_acs_sms_received_event_reaches_the_conversation_of_the_channel_it_was_sent_to()
    {
        var org = await system.CreateOrgAsync();
        const string secret = "inbound-events-secret";
        var acs = new { endpoint = system.Providers.BaseUrl.ToString(), accessKey = FakeServer.AcsKey, eventsSecret = secret };
        var (named, _) = await org.CreateChannelAsync(new { name = "ACS A", type = "sms", provider = "acs", from = "+18445550100", acs });
        var (receiver, _) = await org.CreateChannelAsync(new { name = "ACS B", type = "sms", provider = "acs", from = "+18445550101", acs });
        var customer = Inbound.NewCustomer();
        var events = new Uri(system.GatewayUrl, $"/v1/callbacks/acs/events?channel={org.OrgId:N}.{named:N}&code={secret}");
        (await system.Providers.Http.PutAsJsonAsync("/_acs/events-subscription", new { url = events, schema = "EventGrid", casing = "Pascal" })).EnsureSuccessStatusCode();
        try
        {
            var answer = await system.TextAcsAsync(customer, "+18445550101", "Where is my order?");

            Assert.Equal(204, answer.Status);
            var conversation = await system.ConversationAsync(org.OrgId, customer, receiver);
            Assert.Equal(("Where is my order?", answer.MessageId), (Assert.Single(conversation!.Transcript).Text, conversation.Transcript[0].ProviderMessageId));
            Assert.Null(await system.ConversationAsync(org.OrgId, customer, named));
        }
        finally
        {
            (await system.Providers.Http.DeleteAsync("/_acs/events-subscription")).EnsureSuccessStatusCode();
        }
    }

    private static Dictionary<string, string> Form(string sid, string from, string body) => new()
    {
        ["MessageSid"] = sid,
        ["AccountSid"] = Api.AccountSid,
        ["From"] = from,
        ["To"] = Number,
        ["Body"] = body,
    };
}
