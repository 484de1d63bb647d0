namespace Outbound.Tests.Providers;

/// <summary>Files the provider tests use from the repository and from the shared reference folder beside it.</summary>
internal static class ProviderTestPaths
{
    /// <summary>The folder holding Orleans.sln, found by walking up from the test assembly.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Prism, installed by <c>npm ci --prefix tools</c> (test.sh runs it).</summary>
    public static string Prism => Path.Combine(RepoRoot, "tools", "node_modules", ".bin", "prism");

    /// <summary>The twilio-oai spec, used in place from <c>../shared/reference/specs</c> (never copied into the repo).</summary>
    public static string TwilioApiSpec => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "reference", "specs", "twilio_api_v2010.json"));

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
