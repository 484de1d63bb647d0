namespace Outbound.Tests.Providers;

/// <summary>Files the provider tests use from the repository.</summary>
internal static class ProviderTestPaths
{
    /// <summary>The folder holding Orleans.sln, found by walking up from the test assembly.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Prism, installed by <c>npm ci --prefix tools</c> (test.sh runs it).</summary>
    public static string Prism => Path.Combine(RepoRoot, "tools", "node_modules", ".bin", "prism");

    /// <summary>Twilio's published Messages API (twilio-oai), trimmed to what the tests use (see <c>specs/SOURCES.md</c>).</summary>
    public static string TwilioApiSpec => Path.Combine(RepoRoot, "Tests", "Providers", "specs", "twilio_api_v2010.messages.json");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Orleans.sln above {AppContext.BaseDirectory}.");
    }
}
