using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Outbound.Bench.Setup;

namespace Outbound.Bench.Measure;

/// <summary>
/// How many send requests the org's hourly quota counted: a one-contact send request without consent (it sends
/// nothing, but counts as a request) answers with <c>RateLimit-Remaining</c> and <c>RateLimit-Reset</c>. Read before and
/// after a phase, the difference is the send requests the events were batched into.
/// </summary>
public static class QuotaProbe
{
    public sealed record Reading(long Remaining, DateTimeOffset ResetAt);

    /// <returns>Null when <paramref name="enabled"/> is false or the answer had no quota headers.</returns>
    public static async Task<Reading?> ReadAsync(HttpClient gateway, IReadOnlyList<Tenant> tenants, bool enabled, CancellationToken cancellationToken)
    {
        if (!enabled)
        {
            return null;
        }

        var tenant = tenants[0];
        using var request = new HttpRequestMessage(HttpMethod.Post, tenant.SendPath)
        {
            Content = new StringContent("""{"contacts":[{"tocontactid":"+12125550199","optin":false}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tenant.ApiKey);
        using var response = await gateway.SendAsync(request, cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return response.Headers.TryGetValues("RateLimit-Remaining", out var remaining)
            && response.Headers.TryGetValues("RateLimit-Reset", out var reset)
            && long.TryParse(remaining.First(), CultureInfo.InvariantCulture, out var left)
            && int.TryParse(reset.First(), CultureInfo.InvariantCulture, out var seconds)
                ? new Reading(left, DateTimeOffset.UtcNow.AddSeconds(seconds))
                : null;
    }

    /// <summary>Requests counted between the two readings, the second probe excluded; null when an hour began in between.</summary>
    public static long? Used(Reading? before, Reading? after) =>
        before is null || after is null || Math.Abs((after.ResetAt - before.ResetAt).TotalSeconds) > 5
            ? null
            : before.Remaining - after.Remaining - 1;
}
