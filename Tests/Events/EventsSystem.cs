using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Events;

/// <summary>A system whose silo clock the tests can move forward (a trigger's delay passes without waiting for it).</summary>
public sealed class EventsSystem : OutboundSystem
{
    public ShiftedClock Clock { get; } = new();

    protected override void ConfigureSiloServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

/// <summary>Helpers of the event and trigger tests.</summary>
public static class Events
{
    public const string Single = "application/cloudevents+json";
    public const string Batch = "application/cloudevents-batch+json";

    /// <summary>A <c>case.created</c> event for a customer, as a CRM would post it.</summary>
    public static object CaseCreated(string id, string phone = "+14155550142", string caseName = "CAS-1", string priority = "high") => new
    {
        specversion = "1.0",
        type = "case.created",
        source = "crm",
        id,
        data = new { priority, caseName, customer = new { name = "Ana", phone } },
    };

    /// <summary>A trigger that sends the configuration's message for each <c>case.created</c>, with the customer's name and the case.</summary>
    public static object CaseCreatedTrigger(Guid configurationId, object? filter = null, string? delay = null) => new
    {
        name = "Case created notice",
        eventType = "case.created",
        configurationId,
        filter,
        contact = new
        {
            tocontactid = "/customer/phone",
            contextitems = new Dictionary<string, string> { ["CustomerName"] = "/customer/name", ["CaseName"] = "/caseName" },
            entityrelationshipname = "/regarding",
        },
        delay,
    };

    public static Task<HttpResponseMessage> PostEventsAsync(this HttpClient http, string contentType, object body) =>
        http.PostAsync("/v1/events", new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType)));

    /// <summary>Polls <c>GET /v1/events/{id}</c> until its single trigger is in <paramref name="status"/>.</summary>
    public static Task<JsonObject> WaitForTriggerAsync(this HttpClient http, string eventId, string status) =>
        Eventually.ReturnsAsync(
            async () => await (await http.GetAsync($"/v1/events/{Uri.EscapeDataString(eventId)}")).Json(HttpStatusCode.OK),
            e => e["triggers"]!.AsArray().Single()!["status"]!.GetValue<string>() == status,
            timeoutMs: 30_000,
            pollMs: 100,
            describe: e => e.ToJsonString());

    public static async Task<Guid> CreateTriggerAsync(this HttpClient http, object trigger) =>
        await http.CreateAsync("/v1/triggers", trigger);

    internal static StringContent Raw(string json, string contentType = Single) => new(json, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType));

    internal static Task<HttpResponseMessage> PostJsonAsync(this HttpClient http, object body) => http.PostAsJsonAsync("/v1/events", body);
}
