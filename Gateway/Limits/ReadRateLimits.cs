using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Outbound.Gateway.Auth;

namespace Outbound.Gateway.Limits;

/// <summary>
/// Each org's reads (GET requests) per minute, counted per gateway: one tenant polling in a loop must not take
/// the cluster's time from the others. Writes have limits of their own (the hourly send quota).
/// </summary>
public static class ReadRateLimits
{
    public const string Policy = "org-reads";

    internal static IServiceCollection AddReadRateLimits(this IServiceCollection services, int permitsPerMinute) =>
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(Policy, http =>
                HttpMethods.IsGet(http.Request.Method) && http.User.FindFirst(ApiKeyAuthenticationHandler.OrgIdClaim)?.Value is { } orgId
                    ? RateLimitPartition.GetFixedWindowLimiter(orgId, _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = permitsPerMinute,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter(""));
            o.OnRejected = (context, cancellationToken) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : 60;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return new ValueTask(TypedResults.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many reads.",
                    detail: $"The org may make {permitsPerMinute} read requests a minute; try again after {seconds} s (Retry-After).").ExecuteAsync(context.HttpContext));
            };
        });
}
