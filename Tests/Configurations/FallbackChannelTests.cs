using System.Net;
using System.Net.Http.Json;
using Outbound.Catalog;
using Outbound.Configurations;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Configurations;

/// <summary>A configuration's fallback channel: a second channel of its type that carries messages while its channel is down.</summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class FallbackChannelTests(OutboundSystem system)
{
    private const string Configurations = "/v1/outbound-configurations";

    /// <summary>An org with a Twilio SMS channel, an ACS SMS channel and an SMS template.</summary>
    private async Task<(OrgClient Org, Guid Twilio, Guid Acs, Guid Template)> SetupAsync()
    {
        var org = await system.CreateOrgAsync();
        var twilio = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel());
        var acs = await org.Http.CreateAsync("/v1/channels", Api.AcsSmsChannel());
        var template = await org.Http.CreateAsync("/v1/templates", Api.SmsTemplate());
        return (org, twilio, acs, template);
    }

    private static Task<Guid> CreateConfigurationAsync(OrgClient org, object body) => org.Http.CreateAsync(Configurations, body, "configurationId");

    [Fact]
    public async Task A_twilio_sms_configuration_can_fall_back_to_an_acs_sms_channel()
    {
        var (org, twilio, acs, template) = await SetupAsync();

        var created = await (await org.Http.PostAsJsonAsync(Configurations, Api.Configuration(twilio, template, fallbackChannelId: acs)))
            .Json(HttpStatusCode.Created);
        var stored = await (await org.Http.GetAsync($"{Configurations}/{created["configurationId"]}")).Json(HttpStatusCode.OK);

        foreach (var configuration in new[] { created, stored })
        {
            Assert.Equal(twilio, configuration["channelId"]!.GetValue<Guid>());
            Assert.Equal(acs, configuration["fallbackChannelId"]!.GetValue<Guid>());
        }
    }

    [Fact]
    public async Task The_fallback_takes_over_after_300_seconds_unless_told_otherwise()
    {
        var (org, twilio, acs, template) = await SetupAsync();
        var configuration = await CreateConfigurationAsync(org, Api.Configuration(twilio, template, fallbackChannelId: acs));

        var byDefault = await (await org.Http.GetAsync($"{Configurations}/{configuration}")).Json(HttpStatusCode.OK);
        var updated = await (await org.Http.PutAsJsonAsync($"{Configurations}/{configuration}",
            Api.Configuration(twilio, template, fallbackChannelId: acs, fallbackAfterSeconds: 60))).Json(HttpStatusCode.OK);

        Assert.Equal(300, byDefault["fallbackAfterSeconds"]!.GetValue<int>());
        Assert.Equal(60, updated["fallbackAfterSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_configuration_without_a_fallback_shows_none()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();

        var stored = await (await org.Http.GetAsync($"{Configurations}/{configuration}")).Json(HttpStatusCode.OK);

        Assert.Null(stored["fallbackChannelId"]);
        Assert.Null(stored["fallbackAfterSeconds"]);
    }

    [Fact]
    public async Task A_fallback_channel_must_carry_the_same_channel_type()
    {
        var (org, twilio, _, template) = await SetupAsync();
        var whatsApp = await org.Http.CreateAsync("/v1/channels", new
        {
            name = "WhatsApp", type = "whatsapp", provider = "twilio", from = "whatsapp:+14155550100",
            twilio = new { accountSid = Api.AccountSid, authToken = "t" },
        });

        await (await org.Http.PostAsJsonAsync(Configurations, Api.Configuration(twilio, template, fallbackChannelId: whatsApp)))
            .AssertProblemNaming("fallbackChannelId");
    }

    [Fact]
    public async Task A_fallback_channel_must_differ_from_the_channel()
    {
        var (org, twilio, _, template) = await SetupAsync();

        await (await org.Http.PostAsJsonAsync(Configurations, Api.Configuration(twilio, template, fallbackChannelId: twilio)))
            .AssertProblemNaming("fallbackChannelId");
    }

    [Fact]
    public async Task An_unknown_fallback_channel_is_a_problem_naming_it()
    {
        var (org, twilio, _, template) = await SetupAsync();

        await (await org.Http.PostAsJsonAsync(Configurations, Api.Configuration(twilio, template, fallbackChannelId: Guid.NewGuid())))
            .AssertProblemNaming("fallbackChannelId");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(86_401)]
    public async Task The_fallback_takes_over_after_0_to_86400_seconds(int seconds)
    {
        var (org, twilio, acs, template) = await SetupAsync();

        await (await org.Http.PostAsJsonAsync(Configurations, Api.Configuration(twilio, template, fallbackChannelId: acs, fallbackAfterSeconds: seconds)))
            .AssertProblemNaming("fallbackAfterSeconds");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(86_400)]
    public async Task The_bounds_of_fallbackAfterSeconds_are_allowed(int seconds)
    {
        var (org, twilio, acs, template) = await SetupAsync();

        var created = await (await org.Http.PostAsJsonAsync(Configurations, Api.Configuration(twilio, template, fallbackChannelId: acs, fallbackAfterSeconds: seconds)))
            .Json(HttpStatusCode.Created);

        Assert.Equal(seconds, created["fallbackAfterSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task FallbackAfterSeconds_without_a_fallback_channel_is_a_problem_naming_it()
    {
        var (org, twilio, _, template) = await SetupAsync();

        await (await org.Http.PostAsJsonAsync(Configurations, Api.Configuration(twilio, template, fallbackAfterSeconds: 60)))
            .AssertProblemNaming("fallbackAfterSeconds");
    }

    [Fact]
    public async Task A_fallbackAfterSeconds_that_is_not_an_integer_is_a_problem_naming_it()
    {
        var (org, twilio, acs, template) = await SetupAsync();

        await (await org.Http.PostAsJsonAsync(Configurations, new
        {
            name = "Case created", channelType = "sms", channelId = twilio, templateId = template, fallbackChannelId = acs, fallbackAfterSeconds = 1.5,
        })).AssertProblemNaming("fallbackAfterSeconds");
    }

    [Fact]
    public async Task A_channel_used_as_a_fallback_cannot_be_deleted()
    {
        var (org, twilio, acs, template) = await SetupAsync();
        await CreateConfigurationAsync(org, Api.Configuration(twilio, template, fallbackChannelId: acs));

        Assert.Equal(HttpStatusCode.Conflict, (await org.Http.DeleteAsync($"/v1/channels/{acs}")).StatusCode);
    }

    [Fact]
    public async Task Removing_the_fallback_releases_its_channel()
    {
        var (org, twilio, acs, template) = await SetupAsync();
        var configuration = await CreateConfigurationAsync(org, Api.Configuration(twilio, template, fallbackChannelId: acs));

        var updated = await (await org.Http.PutAsJsonAsync($"{Configurations}/{configuration}", Api.Configuration(twilio, template))).Json(HttpStatusCode.OK);

        Assert.Null(updated["fallbackChannelId"]);
        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/channels/{acs}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await org.Http.DeleteAsync($"/v1/channels/{twilio}")).StatusCode);
    }

    [Fact]
    public async Task Deleting_a_configuration_releases_its_fallback_channel()
    {
        var (org, twilio, acs, template) = await SetupAsync();
        var configuration = await CreateConfigurationAsync(org, Api.Configuration(twilio, template, fallbackChannelId: acs));

        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"{Configurations}/{configuration}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/channels/{acs}")).StatusCode);
    }

    [Fact]
    public async Task Swapping_the_channel_and_its_fallback_keeps_both_in_use()
    {
        var (org, twilio, acs, template) = await SetupAsync();
        var configuration = await CreateConfigurationAsync(org, Api.Configuration(twilio, template, fallbackChannelId: acs));

        await (await org.Http.PutAsJsonAsync($"{Configurations}/{configuration}", Api.Configuration(acs, template, fallbackChannelId: twilio)))
            .Json(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.Conflict, (await org.Http.DeleteAsync($"/v1/channels/{twilio}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await org.Http.DeleteAsync($"/v1/channels/{acs}")).StatusCode);
    }

    [Fact]
    public async Task A_refused_configuration_does_not_hold_its_fallback_channel()
    {
        var (org, twilio, acs, template) = await SetupAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();

        await (await org.Http.PostAsJsonAsync(Configurations, Api.Configuration(twilio, template, fallbackChannelId: acs, fallbackAfterSeconds: -1)))
            .AssertProblemNaming("fallbackAfterSeconds");
        await (await org.Http.PutAsJsonAsync($"{Configurations}/{configuration}", Api.Configuration(twilio, template, fallbackChannelId: acs, fallbackAfterSeconds: -1)))
            .AssertProblemNaming("fallbackAfterSeconds");

        Assert.Equal(HttpStatusCode.NoContent, (await org.Http.DeleteAsync($"/v1/channels/{acs}")).StatusCode);
    }

    [Fact]
    public async Task The_binding_carries_the_fallback_channel()
    {
        var (org, twilio, acs, template) = await SetupAsync();
        var configuration = await CreateConfigurationAsync(org, Api.Configuration(twilio, template, fallbackChannelId: acs, fallbackAfterSeconds: 90));

        var binding = await BindingAsync(org, configuration);

        Assert.Equal("+14155550100", binding.Channel.From);
        Assert.Equal("+14255550123", binding.Fallback!.From);
        Assert.Equal(acs, binding.Configuration.FallbackChannelId);
        Assert.Equal(TimeSpan.FromSeconds(90), binding.Configuration.FallbackAfter);
    }

    [Fact]
    public async Task Changing_the_fallback_channel_shows_in_the_next_binding()
    {
        var (org, twilio, acs, template) = await SetupAsync();
        var configuration = await CreateConfigurationAsync(org, Api.Configuration(twilio, template, fallbackChannelId: acs));
        Assert.Equal("+14255550123", (await BindingAsync(org, configuration)).Fallback!.From);

        await (await org.Http.PutAsJsonAsync($"/v1/channels/{acs}", Api.AcsSmsChannel(from: "+14255550199"))).Json(HttpStatusCode.OK);

        Assert.Equal("+14255550199", (await BindingAsync(org, configuration)).Fallback!.From);
    }

    [Fact]
    public async Task Removing_the_fallback_shows_in_the_next_binding()
    {
        var (org, twilio, acs, template) = await SetupAsync();
        var configuration = await CreateConfigurationAsync(org, Api.Configuration(twilio, template, fallbackChannelId: acs));
        Assert.NotNull((await BindingAsync(org, configuration)).Fallback);

        await (await org.Http.PutAsJsonAsync($"{Configurations}/{configuration}", Api.Configuration(twilio, template))).Json(HttpStatusCode.OK);

        Assert.Null((await BindingAsync(org, configuration)).Fallback);
    }

    private async Task<ConfigurationBinding> BindingAsync(OrgClient org, Guid configuration) =>
        (await system.Grains.GetGrain<IConfigurationGrain>(CatalogKeys.Item(org.OrgId, configuration)).GetBindingAsync())!;
}
