using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Outbound.Grains.Telemetry;
using Outbound.Providers;
using Outbound.Sending;

namespace Outbound.Tests.Telemetry;

/// <summary>
/// The product's counters as an operator's dashboard reads them: the outcomes the send path decides, counted where
/// it decides them, tagged by provider and channel type. (The scrape endpoint and the trace: <see cref="TelemetryTests"/>.)
/// </summary>
public sealed class ProductMetricsTests(InProcessSystem system) : IClassFixture<InProcessSystem>
{
    private static readonly KeyValuePair<string, object?>[] TwilioSms = [new("provider", "twilio"), new("channel.type", "sms")];

    [Fact]
    public async Task A_message_the_provider_refuses_for_good_counts_once_as_accepted_and_once_as_failed()
    {
        using var accepted = Collect("outbound.messages.accepted");
        using var failed = Collect("outbound.messages.failed");
        using var sent = Collect("outbound.messages.sent");
        var org = await system.CreateOrgAsync();
        var configuration = await system.CreateSmsConfigurationAsync(org);
        var to = InProcessSystem.UniqueNumber();
        system.Provider.Answer(to, SendOutcome.Failed(SendStatus.Permanent, "21211", "The 'To' number is not a valid phone number."));

        var receipt = await system.SendAsync(org, configuration, InProcessSystem.Contact(to));
        await system.WaitForMessageAsync(org, receipt.Results[0].MessageId!, MessageStatus.Failed);

        Assert.Equal(1, Total(accepted, TwilioSms));
        Assert.Equal(1, Total(failed, TwilioSms));
        Assert.Equal(0, Total(sent, TwilioSms));
    }

    [Fact]
    public async Task A_request_the_quota_admits_counts_as_used_and_one_over_it_as_refused()
    {
        using var used = Collect("outbound.quota.used");
        using var refused = Collect("outbound.quota.refused");
        var org = await system.CreateOrgAsync(requestsPerHour: 1);
        var configuration = await system.CreateSmsConfigurationAsync(org);

        Assert.Equal(ReceiptStatus.Accepted, (await system.SendAsync(org, configuration, InProcessSystem.Contact(InProcessSystem.UniqueNumber()))).Status);
        Assert.Equal(ReceiptStatus.QuotaExceeded, (await system.SendAsync(org, configuration, InProcessSystem.Contact(InProcessSystem.UniqueNumber()))).Status);

        Assert.Equal(1, Total(used));
        Assert.Equal(1, Total(refused));
    }

    private MetricCollector<long> Collect(string instrument) =>
        new(system.SiloServices.GetRequiredService<IMeterFactory>(), OutboundMetrics.MeterName, instrument);

    private static long Total(MetricCollector<long> collector, params KeyValuePair<string, object?>[] tags) =>
        collector.GetMeasurementSnapshot().Where(m => m.MatchesTags(tags)).Sum(m => m.Value);
}
