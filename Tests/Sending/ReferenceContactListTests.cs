using System.Net;
using System.Net.Http.Json;
using System.Text;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Sending;

/// <summary>
/// A contact list written as the reference product writes it: slug values such as <c>CustomerName</c> beside
/// <c>tocontactid</c>, and <c>msdyn_ocoutboundconfigurationid</c> on each contact.
/// </summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ReferenceContactListTests(OutboundSystem system)
{
    private async Task<(OrgClient Org, Guid Configuration)> SetupAsync()
    {
        var org = await system.CreateOrgAsync();
        var (_, _, configuration) = await org.Http.CreateSmsSetupAsync();
        return (org, configuration);
    }

    private static Task<HttpResponseMessage> SendRawAsync(OrgClient org, Guid configuration, string contact) =>
        org.Http.PostAsync($"/v1/outbound-configurations/{configuration}/send",
            new StringContent($$"""{"contacts":[{{contact}}]}""", Encoding.UTF8, "application/json"));

    [Fact]
    public async Task A_contact_list_written_the_references_way_is_sent_and_rendered()
    {
        var (org, configuration) = await SetupAsync();
        var caseName = $"CAS-{Guid.NewGuid():N}";
        var contact = $$"""
            {"tocontactid":"+14155550142","optin":true,"locale":"en-US","entityrelationshipname":"incident_msdyn_ocoutboundmessages",
             "msdyn_ocoutboundconfigurationid":"{{configuration}}","CustomerName":"Ana","CaseName":"{{caseName}}"}
            """;

        var response = await (await SendRawAsync(org, configuration, contact)).Json(HttpStatusCode.Accepted);

        var result = response["results"]!.AsArray().Single()!;
        Assert.Equal("accepted", result["status"]!.GetValue<string>());
        await org.Http.WaitForMessageAsync(result["messageId"]!.GetValue<string>(), "sent", "delivered");
        Assert.Contains(await system.Providers.LedgerAsync(), r => r.GetProperty("body").GetString() == $"Hi Ana, case {caseName} is open.");
    }

    [Fact]
    public async Task Slug_values_beside_the_contact_merge_with_contextitems_in_any_case()
    {
        var (org, configuration) = await SetupAsync();
        var caseName = $"CAS-{Guid.NewGuid():N}";
        // The same slug given twice with one value is not a conflict.
        var contact = $$$"""
            {"tocontactid":"+14155550142","optin":true,"customername":"Ana","CUSTOMERNAME":"Ana","contextitems":{"CaseName":"{{{caseName}}}","CustomerName":"Ana"}}
            """;

        var response = await (await SendRawAsync(org, configuration, contact)).Json(HttpStatusCode.Accepted);

        await org.Http.WaitForMessageAsync(response["results"]![0]!["messageId"]!.GetValue<string>(), "sent", "delivered");
        Assert.Contains(await system.Providers.LedgerAsync(), r => r.GetProperty("body").GetString() == $"Hi Ana, case {caseName} is open.");
    }

    [Theory]
    [InlineData("""{"tocontactid":"+14155550142","optin":true,"CustomerName":"Bob","contextitems":{"CaseName":"x","customername":"Ana"}}""", "contacts[0].CustomerName")]
    [InlineData("""{"tocontactid":"+14155550142","optin":true,"customerName":"Ana","CustomerName":"Bob","contextitems":{"CaseName":"x"}}""", "contacts[0].CustomerName")]
    public async Task The_same_slug_with_two_different_values_is_a_problem_naming_it(string contact, string field)
    {
        var (org, configuration) = await SetupAsync();

        await (await SendRawAsync(org, configuration, contact)).AssertProblemNaming(field);
    }

    [Theory]
    [InlineData("""{"tocontactid":"+14155550142","optin":true,"CustomerName":"Ana","CaseName":42}""", "contacts[0].CaseName")]
    [InlineData("""{"tocontactid":"+14155550142","optin":true,"CustomerName":{"first":"Ana"},"CaseName":"x"}""", "contacts[0].CustomerName")]
    public async Task A_slug_value_beside_the_contact_is_a_string(string contact, string field)
    {
        var (org, configuration) = await SetupAsync();

        await (await SendRawAsync(org, configuration, contact)).AssertProblemNaming(field);
    }

    [Fact]
    public async Task The_contact_limits_apply_to_the_slug_values_beside_the_contact()
    {
        var (org, configuration) = await SetupAsync();
        var tooLong = $$"""{"tocontactid":"+14155550142","optin":true,"CustomerName":"{{new string('a', 1025)}}","CaseName":"x"}""";
        // 26 in contextitems and 25 beside: 51 slug values in all, over the 50 a contact may carry.
        var inside = string.Join(",", Enumerable.Range(0, 26).Select(i => $"\"a{i}\":\"v\""));
        var beside = string.Join(",", Enumerable.Range(0, 25).Select(i => $"\"b{i}\":\"v\""));
        var tooMany = $$$"""{"tocontactid":"+14155550142","optin":true,{{{beside}}},"contextitems":{{{{inside}}}}}""";

        await (await SendRawAsync(org, configuration, tooLong)).AssertProblemNaming("contacts[0].CustomerName");
        await (await SendRawAsync(org, configuration, tooMany)).AssertProblemNaming("contacts[0].contextitems");
    }

    [Fact]
    public async Task A_contact_naming_another_configuration_is_a_problem()
    {
        var (org, configuration) = await SetupAsync();
        var contact = $$"""{"tocontactid":"+14155550142","optin":true,"CustomerName":"Ana","CaseName":"x","msdyn_ocoutboundconfigurationid":"{{Guid.NewGuid()}}"}""";

        await (await SendRawAsync(org, configuration, contact)).AssertProblemNaming("contacts[0].msdyn_ocoutboundconfigurationid");
    }
}
