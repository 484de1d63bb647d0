using Outbound.Tests.Infrastructure;

namespace Outbound.Tests.Providers;

/// <summary>
/// Stoplight Prism mocking Twilio's own OpenAPI spec (twilio-oai <c>twilio_api_v2010.json</c>), as Twilio documents
/// for mock testing. With <c>--errors</c> a request that violates the spec gets an error response instead of the
/// example; every request's validation result is also in Prism's output, which this fixture keeps.
/// </summary>
public sealed class PrismFixture : IAsyncLifetime
{
    private PrismProcess? _prism;

    public Uri Url => _prism!.Url;

    /// <summary>Prism's output lines so far (stdout and stderr).</summary>
    public IReadOnlyList<string> Output => _prism!.Output;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ProviderTestPaths.TwilioApiSpec))
        {
            throw new InvalidOperationException($"The Twilio OpenAPI spec is missing at {ProviderTestPaths.TwilioApiSpec} (Tests/Providers/specs).");
        }

        _prism = await PrismProcess.StartAsync("mock", ProviderTestPaths.TwilioApiSpec);
    }

    /// <summary>
    /// Prism's verdicts on the requests made since output line <paramref name="from"/>: waits until
    /// <paramref name="requests"/> of them are in, and returns every line since.
    /// </summary>
    public async Task<IReadOnlyList<string>> VerdictsSinceAsync(int from, int requests)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var lines = Output.Skip(from).ToList();
            if (lines.Count(l => l.Contains("[VALIDATOR]", StringComparison.Ordinal)) >= requests || DateTime.UtcNow > deadline)
            {
                return lines;
            }

            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        if (_prism is not null)
        {
            await _prism.DisposeAsync();
        }
    }
}
