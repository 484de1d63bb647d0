using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Outbound.Bench.Measure;
using Outbound.Bench.Setup;

namespace Outbound.Bench.Campaigns;

/// <summary>What a campaign sent in one UTC clock hour, from the reports (a message counts in the hour its request was accepted in).</summary>
/// <param name="CampaignRequests">The campaign's messages ÷ 100, rounded up: every request holds 100 contacts but the last.</param>
/// <param name="OrgRequests">The same for all of the org's messages (the campaign is the org's only sender here).</param>
public sealed record CampaignHour(DateTimeOffset Hour, int CampaignMessages, int CampaignRequests, int OrgMessages, int OrgRequests);

/// <summary>What one campaign run measured: its upload, its send, the silo kill and the ledger check.</summary>
/// <param name="Upload">The upload of the first audience (<see cref="BenchOptions.AudienceRows"/> rows).</param>
/// <param name="Contacts">Valid contacts of the campaign that was sent (its own audience when <see cref="BenchOptions.CampaignSendRows"/> is set).</param>
/// <param name="SendSeconds">From the campaign's <c>startedAt</c> to its <c>endedAt</c>, the silo's outage included.</param>
/// <param name="ContactsPerSecondBeforeKill">Accepted contacts per second from the start to the kill: the pace of a live silo.</param>
/// <param name="KilledAtRequest">Requests the campaign had sent (as last seen) when the silo was killed; null: no kill.</param>
/// <param name="SiloReadySeconds">From the SIGKILL to the new silo's readiness.</param>
/// <param name="ResumeSeconds">From the SIGKILL to the first request the campaign sent afterwards, without any call to the campaign (its reminder).</param>
/// <param name="Lost">Valid contacts that never reached the provider.</param>
/// <param name="Duplicated">Ledger rows beyond the first for one contact.</param>
/// <param name="Unexpected">Ledger rows for numbers not in the sent audience (an invalid row, another campaign).</param>
public sealed record CampaignResult(
    AudienceResult Upload,
    int Contacts,
    int Requests,
    int HourlyLimit,
    double QuotaShare,
    int ShareLimit,
    string Status,
    int Accepted,
    double SendSeconds,
    double ContactsPerSecond,
    double ContactsPerSecondBeforeKill,
    int? KilledAtRequest,
    double? SiloReadySeconds,
    double? ResumeSeconds,
    long LedgerRows,
    long Lost,
    long Duplicated,
    long Unexpected,
    double DrainSeconds,
    IReadOnlyList<CampaignHour> Hours)
{
    /// <summary>In every hour: the campaign within its share, the org within its limit.</summary>
    public bool HoursClean => Hours.All(h => h.CampaignRequests <= ShareLimit && h.OrgRequests <= HourlyLimit);

    public bool Clean => Status == "completed" && Lost == 0 && Duplicated == 0 && Unexpected == 0 && HoursClean;
}

/// <summary>
/// One campaign end to end: an org with an SMS configuration and an hourly quota of <see cref="BenchOptions.HourlyLimit"/>,
/// an audience uploaded as CSV (the <c>audience</c> scenario's), started; at <see cref="BenchOptions.KillAt"/> of its
/// requests the silo is SIGKILLed and started again by <c>bench.sh</c> (a handshake through files in
/// <see cref="BenchOptions.Control"/>); the campaign must go on by itself, to <c>completed</c>. Then every valid contact
/// must be in the fake's ledger exactly once, and each clock hour within the share and the quota.
/// </summary>
public sealed class CampaignScenario(BenchOptions options, TextWriter log, ProcessSampler sampler)
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public async Task<CampaignResult> RunAsync(HttpClient gateway, Tenant tenant, FakeControl fake, CancellationToken cancellationToken)
    {
        var api = new TenantApi(gateway, options.AdminKey);
        await api.CallAsync(HttpMethod.Put, $"/v1/orgs/{tenant.OrgId}/settings", options.AdminKey,
            new { maxContactsPerRequest = 100, maxRequestsPerHour = options.HourlyLimit }, cancellationToken);

        var audience = new AudienceScenario(options, log);
        var campaign = await AudienceScenario.CreateCampaignAsync(gateway, tenant, "Bench campaign", tenant.ConfigurationId, options.QuotaShare, cancellationToken);
        var upload = await audience.UploadAsync(gateway, tenant, campaign, cancellationToken);
        var sentRows = options.AudienceRows;
        if (options.CampaignSendRows is { } sendRows && sendRows != options.AudienceRows)
        {
            // The measured upload stays unsent; a campaign of its own sends the smaller audience.
            campaign = await AudienceScenario.CreateCampaignAsync(gateway, tenant, "Bench campaign (sent)", tenant.ConfigurationId, options.QuotaShare, cancellationToken);
            await new AudienceScenario(options with { AudienceRows = sendRows }, log).UploadAsync(gateway, tenant, campaign, cancellationToken);
            sentRows = sendRows;
        }

        await fake.ClearLedgerAsync(cancellationToken);
        var view = await CallAsync(gateway, tenant, HttpMethod.Post, $"/v1/campaigns/{campaign}/start", cancellationToken);
        var total = view.GetProperty("total").GetInt32();
        var requests = (total + 99) / 100;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  campaign {campaign}: started, {total:N0} contacts in {requests:N0} requests, quota {options.HourlyLimit:N0} requests/h × share {options.QuotaShare}"));

        int? killedAt = null;
        double? readySeconds = null, resumeSeconds = null, beforeKill = null;
        var clock = Stopwatch.StartNew();
        var killAt = options.KillAt is > 0 and < 1 && options.Control is not null ? (int)Math.Ceiling(options.KillAt * requests) : (int?)null;
        if (killAt is { } k)
        {
            view = await WaitAsync(gateway, tenant, campaign, v => v.GetProperty("requestsSent").GetInt32() >= k || Ended(v), clock, cancellationToken);
            if (!Ended(view))
            {
                killedAt = view.GetProperty("requestsSent").GetInt32();
                beforeKill = 100.0 * killedAt.Value / (DateTimeOffset.UtcNow - view.GetProperty("startedAt").GetDateTimeOffset()).TotalSeconds;
                (readySeconds, resumeSeconds) = await KillSiloAndWaitForResumeAsync(gateway, tenant, campaign, cancellationToken);
            }
        }

        view = await WaitAsync(gateway, tenant, campaign, Ended, clock, cancellationToken);
        var status = view.GetProperty("status").GetString()!;
        var accepted = view.GetProperty("accepted").GetInt32();
        var seconds = (view.GetProperty("endedAt").GetDateTimeOffset() - view.GetProperty("startedAt").GetDateTimeOffset()).TotalSeconds;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  campaign {status}: {accepted:N0} accepted in {seconds:F1} s = {accepted / seconds:F0} contacts/s"));

        var drained = await Drain.WaitAsync(fake, accepted, options.DrainTimeout, log, cancellationToken);
        var (ledgerRows, lost, duplicated, unexpected) = await CheckLedgerAsync(fake, sentRows, cancellationToken);
        var hours = await HoursAsync(gateway, tenant, campaign, view.GetProperty("startedAt").GetDateTimeOffset(), cancellationToken);
        var shareLimit = (int)Math.Floor((decimal)options.QuotaShare * options.HourlyLimit);
        var result = new CampaignResult(
            upload, total, requests, options.HourlyLimit, options.QuotaShare, shareLimit, status, accepted, seconds, accepted / seconds,
            beforeKill ?? accepted / seconds, killedAt, readySeconds, resumeSeconds, ledgerRows, lost, duplicated, unexpected, drained, hours);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ledger: {ledgerRows:N0} rows, lost {lost}, duplicated {duplicated}, unexpected {unexpected}; hours: ") +
            string.Join("; ", hours.Select(h => string.Create(CultureInfo.InvariantCulture,
                $"{h.Hour:HH:mm} campaign {h.CampaignRequests:N0}/{shareLimit:N0} requests, org {h.OrgRequests:N0}/{options.HourlyLimit:N0}"))));
        return result;
    }

    /// <summary>
    /// Asks bench.sh to SIGKILL the silo and start it again, then waits for the campaign to send again WITHOUT
    /// calling it (a call would activate it and hide a missing reminder): the campaign's report (the activity query
    /// grain, not the campaign) shows its accepted messages grow.
    /// </summary>
    private async Task<(double Ready, double Resume)> KillSiloAndWaitForResumeAsync(
        HttpClient gateway, Tenant tenant, Guid campaign, CancellationToken cancellationToken)
    {
        var control = options.Control!;
        sampler.KeepPeak("silo");
        File.Delete(Path.Combine(control, "killed"));
        File.Delete(Path.Combine(control, "ready"));
        await File.WriteAllTextAsync(Path.Combine(control, "kill-silo"), "", cancellationToken);
        var killed = await UnixTimeFileAsync(Path.Combine(control, "killed"), TimeSpan.FromSeconds(30), cancellationToken);
        log.WriteLine("  silo SIGKILLed; waiting for bench.sh to start it again");
        var ready = await UnixTimeFileAsync(Path.Combine(control, "ready"), TimeSpan.FromSeconds(180), cancellationToken);
        var pid = int.Parse((await File.ReadAllTextAsync(Path.Combine(control, "silo.pid"), cancellationToken)).Trim(), CultureInfo.InvariantCulture);
        sampler.Replace("silo", pid);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  silo {pid} ready {(ready - killed).TotalSeconds:F1} s after the kill"));

        int? before = null;
        var deadline = DateTimeOffset.UtcNow + options.ResumeTimeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await ReportedMessagesAsync(gateway, tenant, campaign, cancellationToken) is { } messages)
            {
                if (before is null)
                {
                    before = messages;
                }
                else if (messages > before)
                {
                    var resumed = DateTimeOffset.UtcNow;
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  campaign sending again {(resumed - killed).TotalSeconds:F1} s after the kill ({before:N0} → {messages:N0} messages reported)"));
                    return ((ready - killed).TotalSeconds, (resumed - killed).TotalSeconds);
                }
            }

            await Task.Delay(Poll, cancellationToken);
        }

        throw new InvalidOperationException($"The campaign did not send again within {options.ResumeTimeout.TotalSeconds:F0} s of the silo's restart: it stalled.");
    }

    private static async Task<DateTimeOffset> UnixTimeFileAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            if (File.Exists(path) && (await File.ReadAllTextAsync(path, cancellationToken)).Trim() is { Length: > 0 } text)
            {
                return DateTimeOffset.FromUnixTimeMilliseconds((long)(double.Parse(text, CultureInfo.InvariantCulture) * 1000));
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{path} did not appear within {timeout.TotalSeconds:F0} s (is bench.sh running the campaign scenario?).");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private async Task<JsonElement> WaitAsync(
        HttpClient gateway, Tenant tenant, Guid campaign, Func<JsonElement, bool> done, Stopwatch clock, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + options.CampaignTimeout;
        var lastLog = TimeSpan.Zero;
        var lastSent = 0;
        while (true)
        {
            JsonElement? view = null;
            try
            {
                view = await CallAsync(gateway, tenant, HttpMethod.Get, $"/v1/campaigns/{campaign}", cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
            {
                // The gateway answers 5xx while its silo is gone; the next poll tries again.
            }

            if (view is { } v)
            {
                if (done(v))
                {
                    return v;
                }

                if (clock.Elapsed - lastLog >= TimeSpan.FromSeconds(10))
                {
                    var sent = v.GetProperty("requestsSent").GetInt32();
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"    +{clock.Elapsed.TotalSeconds:F0}s: {sent:N0} requests sent, {v.GetProperty("accepted").GetInt32():N0} accepted, {v.GetProperty("sent").GetInt32():N0} sent as the reports count it ({(sent - lastSent) * 100 / (clock.Elapsed - lastLog).TotalSeconds:F0} contacts/s){Waiting(v)}"));
                    lastLog = clock.Elapsed;
                    lastSent = sent;
                }
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The campaign did not get there within {options.CampaignTimeout.TotalSeconds:F0} s: {view}");
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }

    private static string Waiting(JsonElement view) =>
        view.TryGetProperty("waitingUntil", out var until) && until.ValueKind == JsonValueKind.String ? $", waiting until {until.GetString()}" : "";

    private static bool Ended(JsonElement view) => view.GetProperty("status").GetString() is "completed" or "cancelled" or "paused";

    /// <summary>Every valid row's number exactly once; the ledger's <c>To</c> names the row (<see cref="AudienceScenario.Number"/>).</summary>
    private static async Task<(long Rows, long Lost, long Duplicated, long Unexpected)> CheckLedgerAsync(FakeControl fake, int rows, CancellationToken cancellationToken)
    {
        var counts = new int[rows + 1];
        long ledgerRows = 0, unexpected = 0;
        await foreach (var row in fake.ReadLedgerAsync(cancellationToken))
        {
            ledgerRows++;
            if (AudienceScenario.Row(row.To) is { } r && r >= 1 && r <= rows && AudienceScenario.Number(r) == row.To)
            {
                counts[r]++;
            }
            else
            {
                unexpected++;
            }
        }

        long lost = 0, duplicated = 0;
        for (var r = 1; r <= rows; r++)
        {
            if (r % AudienceScenario.InvalidEvery == 0)
            {
                continue;
            }

            if (counts[r] == 0)
            {
                lost++;
            }
            else
            {
                duplicated += counts[r] - 1;
            }
        }

        return (ledgerRows, lost, duplicated, unexpected);
    }

    /// <summary>Per UTC clock hour since the start: the campaign's and the org's messages from <c>GET /v1/reports/outbound</c>.</summary>
    private static async Task<IReadOnlyList<CampaignHour>> HoursAsync(
        HttpClient gateway, Tenant tenant, Guid campaign, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var from = new DateTimeOffset(startedAt.Year, startedAt.Month, startedAt.Day, startedAt.Hour, 0, 0, TimeSpan.Zero);
        var to = DateTimeOffset.UtcNow.AddMinutes(1);
        var range = string.Create(CultureInfo.InvariantCulture, $"from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}&interval=hour");
        var byCampaign = Buckets(await CallAsync(gateway, tenant, HttpMethod.Get, $"/v1/reports/outbound?campaignId={campaign}&{range}", cancellationToken));
        var byOrg = Buckets(await CallAsync(gateway, tenant, HttpMethod.Get, $"/v1/reports/outbound?{range}", cancellationToken));
        return [.. byOrg.Keys.Union(byCampaign.Keys).Order().Select(hour =>
        {
            var c = byCampaign.GetValueOrDefault(hour);
            var o = byOrg.GetValueOrDefault(hour);
            return new CampaignHour(hour, c, (c + 99) / 100, o, (o + 99) / 100);
        })];
    }

    private static Dictionary<DateTimeOffset, int> Buckets(JsonElement report) =>
        report.GetProperty("buckets").EnumerateArray().ToDictionary(
            b => b.GetProperty("start").GetDateTimeOffset(), b => b.GetProperty("counts").GetProperty("total").GetInt32());

    private static async Task<int?> ReportedMessagesAsync(HttpClient gateway, Tenant tenant, Guid campaign, CancellationToken cancellationToken)
    {
        try
        {
            // The default range, the last day, holds the whole run.
            var report = await CallAsync(gateway, tenant, HttpMethod.Get, $"/v1/reports/outbound?campaignId={campaign}", cancellationToken);
            return report.GetProperty("totals").GetProperty("total").GetInt32();
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task<JsonElement> CallAsync(HttpClient gateway, Tenant tenant, HttpMethod method, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tenant.ApiKey);
        using var response = await gateway.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
