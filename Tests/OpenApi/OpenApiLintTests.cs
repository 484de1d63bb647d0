using System.Diagnostics;
using Outbound.Tests.Providers;

namespace Outbound.Tests.OpenApi;

/// <summary>
/// The document the running gateway serves is what client generators are fed: Spectral (<c>spectral:oas</c>) and
/// Redocly (<c>recommended</c>) must find no error in it. Warnings each rule keeps are justified in the ruleset files
/// beside this class.
/// </summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class OpenApiLintTests(OutboundSystem system)
{
    private static readonly TimeSpan LintTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Spectral_finds_no_error_in_the_served_document()
    {
        var document = await ServedDocumentAsync();

        var (exitCode, output) = await RunAsync(
            Tool("spectral"), "lint", document, "--ruleset", Path.Combine(ApiFolder, ".spectral.yaml"), "--fail-severity", "error");

        Assert.True(exitCode == 0, $"Spectral found errors in {document}:\n{output}");
    }

    [Fact]
    public async Task Redocly_finds_no_error_in_the_served_document()
    {
        var document = await ServedDocumentAsync();

        var (exitCode, output) = await RunAsync(
            Tool("redocly"), "lint", document, "--config", Path.Combine(ApiFolder, "redocly.yaml"));

        Assert.True(exitCode == 0, $"Redocly found errors in {document}:\n{output}");
    }

    private static string ApiFolder => Path.Combine(ProviderTestPaths.RepoRoot, "Tests", "OpenApi");

    private static string Tool(string name)
    {
        var path = Path.Combine(ProviderTestPaths.RepoRoot, "tools", "node_modules", ".bin", name);
        // A lint that silently does not run proves nothing: a missing tool fails the test.
        return File.Exists(path) ? path : throw new InvalidOperationException($"{name} is not installed at {path}: run `npm ci --prefix tools` (./test.sh does).");
    }

    /// <summary>Fetches the document and keeps it under .data/openapi, where a failure's message points.</summary>
    private async Task<string> ServedDocumentAsync()
    {
        using var http = system.Anonymous();
        var json = await http.GetStringAsync("/openapi/v1.json");
        var folder = Path.Combine(ProviderTestPaths.RepoRoot, ".data", "openapi");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"v1-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, json);
        return path;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = ProviderTestPaths.RepoRoot,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Neither tool may phone home from a test run.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(LintTimeout);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, $"{await stdout}\n{await stderr}");
    }
}
