namespace Outbound.Tests.ApiClient;

/// <summary>
/// The checked-in clients are what the live document generates: a contract change that is not regenerated fails
/// here, and a regenerated one that breaks a caller fails the build (the tests' C# client, the console's types).
/// </summary>
[Collection(SystemCollection.Name)]
[Trait("Category", "Integration")]
public sealed class GeneratedClientsTests(OutboundSystem system)
{
    [Fact]
    public async Task The_checked_in_csharp_client_is_generated_from_the_live_document()
    {
        var generated = await ApiClients.GenerateCSharpAsync(await ApiClients.FetchDocumentAsync(system));

        await AssertUpToDateAsync(ApiClients.CSharpClientPath, generated);
    }

    [Fact]
    public async Task The_console_types_are_generated_from_the_live_document_and_type_check()
    {
        var generated = await ApiClients.GenerateTypeScriptAsync(await ApiClients.FetchDocumentAsync(system));

        await AssertUpToDateAsync(ApiClients.ConsoleTypesPath, generated);
        await ApiClients.TypeCheckAsync(ApiClients.ConsoleTypesPath);
    }

    private static async Task AssertUpToDateAsync(string path, string generated)
    {
        if (ApiClients.Regenerating)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, generated);
            return;
        }

        var checkedIn = File.Exists(path) ? (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n") : "";
        Assert.True(
            checkedIn == generated,
            $"{Path.GetRelativePath(Providers.ProviderTestPaths.RepoRoot, path)} is not what the gateway's document generates " +
            $"({ApiClients.FirstDifference(checkedIn, generated)}). Regenerate it with `{ApiClients.RegenerateCommand}`.");
    }
}
