using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Outbound.Orgs;
using Outbound.Tests.Activities;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Inbound;

/// <summary>
/// A customer's whole message that is one of the org's keywords (any case, surrounding whitespace ignored) opts
/// them out, opts them in again or asks for help, and opens no conversation. The words and replies are the org's.
/// </summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class KeywordTests(OutboundSystem system)
{
    private const string Number = "+14155550100";

    private sealed record Setup(OrgClient Org, Guid Channel, Guid Configuration, string WebhookUrl);

    private async Task<Setup> CreateSetupAsync()
    {
        var org = await system.CreateOrgAsync();
        var (channel, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var url = (await (await org.Http.GetAsync($"/v1/channels/{channel}")).Json(HttpStatusCode.OK))["inboundWebhookUrl"]!.GetValue<string>();
        return new Setup(org, channel, configuration, url);
    }

    private static async Task<string> SendStatusAsync(Setup setup, string to)
    {
        var response = await (await setup.Org.Http.PostAsJsonAsync($"/v1/outbound-configurations/{setup.Configuration}/send", new { contacts = new[] { ActivityApi.Contact(to) } }))
            .Json(HttpStatusCode.Accepted);
        return response["results"]![0]!["status"]!.GetValue<string>();
    }

    private async Task<JsonObject> ConsentAsync(Setup setup, string customer) =>
        await (await setup.Org.Http.GetAsync($"/v1/contacts/{customer}/consent")).Json(HttpStatusCode.OK);

    [Fact]
    public async Task Stop_in_any_case_with_spaces_opts_the_customer_out_at_once_and_opens_no_conversation()
    {
        var setup = await CreateSetupAsync();
        var customer = Inbound.NewCustomer();

        var answer = await system.TextAsync(setup.WebhookUrl, customer, Number, " stop ");

        Assert.Equal(200, answer.Status);
        var consent = await ConsentAsync(setup, customer);
        Assert.Equal((true, "keyword:STOP"), (consent["optedOut"]!.GetValue<bool>(), consent["source"]!.GetValue<string>()));
        Assert.Equal("skipped_opted_out", await SendStatusAsync(setup, customer));
        Assert.Null(await system.ConversationAsync(setup.Org.OrgId, customer, setup.Channel));
    }

    [Fact]
    public async Task Start_opts_the_customer_in_again()
    {
        var setup = await CreateSetupAsync();
        var customer = Inbound.NewCustomer();

        await system.TextAsync(setup.WebhookUrl, customer, Number, "UNSUBSCRIBE");
        Assert.Equal("skipped_opted_out", await SendStatusAsync(setup, customer));
        await system.TextAsync(setup.WebhookUrl, customer, Number, "Start");

        Assert.Equal("keyword:START", (await ConsentAsync(setup, customer))["source"]!.GetValue<string>());
        Assert.Equal("accepted", await SendStatusAsync(setup, customer));
        Assert.Null(await system.ConversationAsync(setup.Org.OrgId, customer, setup.Channel));
    }

    [Fact]
    public async Task A_message_that_only_contains_a_keyword_is_a_conversation()
    {
        var setup = await CreateSetupAsync();
        var customer = Inbound.NewCustomer();

        await system.TextAsync(setup.WebhookUrl, customer, Number, "Please stop the delivery");

        Assert.False((await ConsentAsync(setup, customer))["optedOut"]!.GetValue<bool>());
        Assert.Equal("Please stop the delivery", Assert.Single((await system.ConversationAsync(setup.Org.OrgId, customer, setup.Channel))!.Transcript).Text);
    }

    /// <summary>Needs the send path's direct messages (the replies go through it).</summary>
    [Fact]
    public async Task Help_is_answered_with_the_orgs_help_text_and_stop_with_its_confirmation()
    {
        var setup = await CreateSetupAsync();
        var customer = Inbound.NewCustomer();

        await system.TextAsync(setup.WebhookUrl, customer, Number, "help");
        await system.TextAsync(setup.WebhookUrl, customer, Number, "STOP");

        var bodies = await Eventually.ReturnsAsync(
            async () => (await system.LedgerToAsync(customer)).Select(e => e.GetProperty("body").GetString()!).ToArray(),
            b => b.Length >= 2, timeoutMs: 20_000, pollMs: 100);
        // Two messages, each delivered on its own: in either order.
        Assert.Equal(new[] { KeywordSettings.Default.HelpReply!, KeywordSettings.Default.OptOutReply! }.Order(), bodies.Order());
    }

    /// <summary>Needs the send path's direct messages (the replies go through it).</summary>
    [Fact]
    public async Task A_redelivered_stop_sends_its_confirmation_once()
    {
        var setup = await CreateSetupAsync();
        var customer = Inbound.NewCustomer();
        var form = new Dictionary<string, string> { ["MessageSid"] = "SM000000000000000000000000000000aa", ["From"] = customer, ["To"] = Number, ["Body"] = "STOP" };

        Assert.Equal(HttpStatusCode.OK, await system.PostCallbackAsync(setup.WebhookUrl, form));
        Assert.Equal(HttpStatusCode.OK, await system.PostCallbackAsync(setup.WebhookUrl, form));
        await system.TextAsync(setup.WebhookUrl, customer, Number, "START");

        // The opt-in's reply is asked for after the second delivery was answered: by then a second confirmation would be there too.
        var bodies = await Eventually.ReturnsAsync(
            async () => (await system.LedgerToAsync(customer)).Select(e => e.GetProperty("body").GetString()!).ToArray(),
            b => b.Contains(KeywordSettings.Default.OptInReply), timeoutMs: 20_000, pollMs: 100);
        Assert.Single(bodies, b => b == KeywordSettings.Default.OptOutReply);
    }

    [Fact]
    public async Task The_orgs_own_words_apply_and_the_default_ones_no_longer_do()
    {
        var setup = await CreateSetupAsync();
        var (a, b) = (Inbound.NewCustomer(), Inbound.NewCustomer());
        var put = await setup.Org.Http.PutAsJsonAsync("/v1/settings/keywords", new
        {
            optOut = new[] { "arret" }, optIn = new[] { "Reprise" }, help = new[] { "AIDE" },
            optOutReply = "Vous êtes désabonné.", optInReply = (string?)null, helpReply = "Répondez ARRET pour vous désabonner.",
        });
        var saved = await put.Json(HttpStatusCode.OK);

        await system.TextAsync(setup.WebhookUrl, a, Number, "Arret");
        await system.TextAsync(setup.WebhookUrl, b, Number, "STOP");

        Assert.Equal(["ARRET"], saved["optOut"]!.AsArray().Select(w => w!.GetValue<string>()));
        Assert.Equal("keyword:ARRET", (await ConsentAsync(setup, a))["source"]!.GetValue<string>());
        Assert.False((await ConsentAsync(setup, b))["optedOut"]!.GetValue<bool>());
        Assert.Equal("STOP", Assert.Single((await system.ConversationAsync(setup.Org.OrgId, b, setup.Channel))!.Transcript).Text);
        var read = await (await setup.Org.Http.GetAsync("/v1/settings/keywords")).Json(HttpStatusCode.OK);
        Assert.Equal(("Vous êtes désabonné.", null), (read["optOutReply"]!.GetValue<string>(), read["optInReply"]?.GetValue<string>()));
    }

    [Fact]
    public async Task An_org_starts_with_the_carriers_standard_words()
    {
        var org = await system.CreateOrgAsync();

        var keywords = await (await org.Http.GetAsync("/v1/settings/keywords")).Json(HttpStatusCode.OK);

        Assert.Equal(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"], keywords["optOut"]!.AsArray().Select(w => w!.GetValue<string>()));
        Assert.Equal(["START", "YES", "UNSTOP"], keywords["optIn"]!.AsArray().Select(w => w!.GetValue<string>()));
        Assert.Equal(["HELP", "INFO"], keywords["help"]!.AsArray().Select(w => w!.GetValue<string>()));
    }

    [Theory]
    [InlineData("optOut[0]", new[] { "two words" }, new string[0], "")]
    [InlineData("optOut[0]", new[] { "" }, new string[0], "")]
    [InlineData("optOut[0]", new[] { "abcdefghijklmnopqrstu" }, new string[0], "")]
    [InlineData("optIn[0]", new[] { "STOP" }, new[] { "stop" }, "")]
    [InlineData("optOut", new[] { "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10", "A11", "A12", "A13", "A14", "A15", "A16", "A17", "A18", "A19", "A20", "A21" }, new string[0], "")]
    [InlineData("helpReply", new[] { "STOP" }, new string[0], "x")]
    public async Task Keyword_settings_that_are_not_valid_are_a_problem_naming_the_field(string field, string[] optOut, string[] optIn, string longReply)
    {
        var org = await system.CreateOrgAsync();

        var response = await org.Http.PutAsJsonAsync("/v1/settings/keywords", new
        {
            optOut, optIn, help = Array.Empty<string>(),
            helpReply = longReply.Length > 0 ? new string('x', 321) : null,
        });

        await response.AssertProblemNaming(field);
        Assert.Equal("STOP", (await (await org.Http.GetAsync("/v1/settings/keywords")).Json(HttpStatusCode.OK))["optOut"]![0]!.GetValue<string>());
    }
}
