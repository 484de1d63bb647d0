namespace Outbound.Tests.ApiClient;

/// <summary>An integrator's first day with the client generated from the document: every call is the generated one.</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class GeneratedClientTests(OutboundSystem system)
{
    [Fact]
    public async Task A_generated_client_sets_up_an_org_and_sends_a_message_that_becomes_sent()
    {
        using var adminHttp = system.Admin();
        var org = await new OutboundApiClient(adminHttp).CreateOrgAsync(new CreateOrgRequest { Name = "Generated client" });
        using var orgHttp = system.WithBearer(org.ApiKey);
        var client = new OutboundApiClient(orgHttp);

        var channel = await client.CreateChannelAsync(new TwilioChannelRequest
        {
            Name = "Support SMS",
            Type = TwilioChannelRequestType.Sms,
            From = "+14155550100",
            Twilio = new TwilioRequest { AccountSid = Api.AccountSid, AuthToken = Api.TwilioAuthToken },
        });
        var template = await client.CreateTemplateAsync(new TemplateRequest
        {
            Name = "Case created",
            ChannelType = TemplateRequestChannelType.Sms,
            DefaultLocale = "en-US",
            Versions = new Dictionary<string, TemplateVersionRequest>
            {
                ["en-US"] = new() { Body = "Hi {CustomerName}, case {CaseName} is open." },
            },
        });
        var configuration = await client.CreateOutboundConfigurationAsync(new ConfigurationRequest
        {
            Name = "Case created",
            ChannelType = ConfigurationRequestChannelType.Sms,
            ChannelId = channel.Id,
            TemplateId = template.Id,
        });
        var sent = await client.SendMessagesAsync(configuration.ConfigurationId, new SendBody
        {
            Contacts =
            [
                new ContactBody
                {
                    Tocontactid = "+14155550142",
                    Optin = true,
                    Contextitems = new Dictionary<string, string> { ["CustomerName"] = "Ana", ["CaseName"] = "CAS-1001" },
                    Entityrelationshipname = "incident_msdyn_ocoutboundmessages",
                },
            ],
        });

        var accepted = Assert.Single(sent.Results);
        Assert.Equal(ContactResultResponseStatus.Accepted, accepted.Status);
        var message = await Eventually.ReturnsAsync(
            () => client.GetMessageAsync(accepted.MessageId!),
            m => m.Status is MessageResponseStatus.Sent or MessageResponseStatus.Delivered,
            timeoutMs: 30_000,
            pollMs: 100);
        Assert.Equal(MessageResponseProvider.Twilio, message.Provider);
    }
}
