namespace Outbound.ProviderFake.Ledger;

/// <summary><c>/_ledger</c>: what the providers accepted, for assertions and benchmark counts.</summary>
public static class LedgerEndpoints
{
    public static void MapLedger(this IEndpointRouteBuilder app)
    {
        app.MapGet("/_ledger", (MessageLedger ledger) => Results.Ok(ledger.Snapshot()));
        // The count alone: cheap enough to poll while a benchmark runs.
        app.MapGet("/_ledger/count", (MessageLedger ledger) => Results.Ok(new { count = ledger.Count }));
        app.MapDelete("/_ledger", (MessageLedger ledger) =>
        {
            ledger.Clear();
            return Results.NoContent();
        });
    }
}
