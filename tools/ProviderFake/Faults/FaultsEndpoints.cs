namespace Outbound.ProviderFake.Faults;

/// <summary><c>/_faults</c>: read and change the fault configuration while the fake runs.</summary>
public static class FaultsEndpoints
{
    public static void MapFaults(this IEndpointRouteBuilder app)
    {
        app.MapGet("/_faults", (FaultInjector faults) => Results.Ok(faults.Current));
        // PUT replaces the whole configuration: a property left out takes its default (no fault).
        app.MapPut("/_faults", (FaultConfig config, FaultInjector faults) =>
        {
            var problems = config.Problems();
            if (problems.Count > 0)
            {
                return Results.BadRequest(new { errors = problems });
            }

            faults.Set(config);
            return Results.Ok(faults.Current);
        });
        app.MapDelete("/_faults", (FaultInjector faults) =>
        {
            faults.Reset();
            return Results.Ok(faults.Current);
        });
    }
}
