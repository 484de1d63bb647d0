using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Outbound.Tests.Activities;

/// <summary>Sending and reading activity records the way an integrator and an agent do.</summary>
internal static class ActivityApi
{
    /// <summary>A number no other test uses, so ledger and timeline assertions see only this test's messages.</summary>
    public static string UniqueNumber() => $"+1415{Random.Shared.Next(2_000_000, 9_999_999)}";

    public static object Contact(string to, string? regarding = null) => new
    {
        tocontactid = to,
        optin = true,
        contextitems = new Dictionary<string, string> { ["CustomerName"] = "Ana", ["CaseName"] = "CAS-1" },
        entityrelationshipname = regarding,
    };

    /// <summary>Sends <paramref name="contacts"/> and returns their message ids, in order.</summary>
    public static async Task<string[]> SendAsync(this HttpClient http, Guid configurationId, params object[] contacts)
    {
        var response = await (await http.PostAsJsonAsync($"/v1/outbound-configurations/{configurationId}/send", new { contacts })).Json(HttpStatusCode.Accepted);
        return [.. response["results"]!.AsArray().Select(r => r!["messageId"]!.GetValue<string>())];
    }

    public static async Task<Guid> CreateConfigurationAsync(this HttpClient http, Guid channelId, Guid templateId, bool showInTimeline) =>
        await http.CreateAsync("/v1/outbound-configurations", new
        {
            name = showInTimeline ? "Case created" : "Bulk reminder",
            showInTimeline,
            channelType = "sms",
            channelId,
            templateId,
        }, "configurationId");

    public static async Task<JsonObject> TimelineAsync(this HttpClient http, string path) =>
        await (await http.GetAsync(path)).Json(HttpStatusCode.OK);

    public static string[] MessageIds(this JsonObject page) =>
        [.. page["items"]!.AsArray().Select(i => i!["messageId"]!.GetValue<string>())];

    public static async Task<JsonObject> ReportAsync(this HttpClient http, Guid configurationId, string interval = "hour") =>
        await (await http.GetAsync($"/v1/reports/outbound?configurationId={configurationId}&interval={interval}")).Json(HttpStatusCode.OK);

    public static int Count(this JsonObject report, string status) => report["totals"]![status]!.GetValue<int>();
}
