using System.Diagnostics;
using System.Text.Json.Nodes;
using NJsonSchema.CodeGeneration.CSharp;
using NSwag;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;
using Outbound.Tests.Providers;

namespace Outbound.Tests.ApiClient;

/// <summary>
/// Generates the API's clients from the document a running gateway serves: the C# client the tests compile and the
/// TypeScript types the web console imports. Both are checked in, so a contract change shows up as a diff.
/// </summary>
internal static class ApiClients
{
    /// <summary>Set to 1 to rewrite the checked-in clients instead of comparing them (tools/generate-api-clients.sh does).</summary>
    public const string RegenerateVariable = "REGENERATE_API_CLIENTS";

    public const string RegenerateCommand = "tools/generate-api-clients.sh";

    public static string CSharpClientPath => Path.Combine(ProviderTestPaths.RepoRoot, "Tests", "ApiClient", "OutboundApiClient.g.cs");

    public static string ConsoleTypesPath => Path.Combine(ProviderTestPaths.RepoRoot, "console", "src", "api", "schema.d.ts");

    public static bool Regenerating => Environment.GetEnvironmentVariable(RegenerateVariable) == "1";

    private static string ToolsBin => Path.Combine(ProviderTestPaths.RepoRoot, "tools", "node_modules", ".bin");

    /// <summary>The gateway's document without <c>servers</c>: they name the test's random port, not the contract.</summary>
    public static async Task<string> FetchDocumentAsync(OutboundSystem system)
    {
        using var http = system.Anonymous();
        var document = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!.AsObject();
        document.Remove("servers");
        return document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    public static async Task<string> GenerateCSharpAsync(string document)
    {
        var openApi = await OpenApiDocument.FromJsonAsync(OneOfAsInheritance(document));
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "OutboundApiClient",
            ClientClassAccessModifier = "internal",
            GenerateClientInterfaces = false,
            // The caller's HttpClient carries the base address and the bearer key, as an integrator's would.
            InjectHttpClient = true,
            DisposeHttpClient = false,
            UseBaseUrl = false,
            GenerateBaseUrlProperty = false,
            GenerateOptionalParameters = true,
            ExceptionClass = "OutboundApiException",
            OperationNameGenerator = new OperationIdOrPathNameGenerator(),
            CSharpGeneratorSettings =
            {
                Namespace = "Outbound.Tests.ApiClient",
                TypeAccessModifier = "internal",
                JsonLibrary = CSharpJsonLibrary.SystemTextJson,
                GenerateNullableReferenceTypes = true,
                GenerateOptionalPropertiesAsNullable = true,
                ClassStyle = CSharpClassStyle.Poco,
                GenerateDataAnnotations = false,
            },
        };
        var code = new CSharpClientGenerator(openApi, settings).GenerateFile();
        return Normalize(code);
    }

    /// <summary>
    /// NSwag turns a <c>oneOf</c> with a discriminator into its first variant only (an ACS channel could not be sent),
    /// but it turns the equivalent <c>allOf</c> inheritance into a base class with a subclass per variant. So each such
    /// schema becomes a base holding the discriminator, and each variant extends it; the document itself is unchanged.
    /// </summary>
    public static string OneOfAsInheritance(string document)
    {
        var root = JsonNode.Parse(document)!.AsObject();
        if (root["components"]?["schemas"] is not JsonObject schemas)
        {
            return document;
        }

        foreach (var (name, node) in schemas.ToList())
        {
            if (node is not JsonObject { } schema || schema["oneOf"] is not JsonArray variants ||
                schema["discriminator"]?["propertyName"]?.GetValue<string>() is not { } property)
            {
                continue;
            }

            var references = variants.Select(v => v?["$ref"]?.GetValue<string>()).ToList();
            if (references.Any(r => r is null || !r.StartsWith("#/components/schemas/", StringComparison.Ordinal)))
            {
                continue;
            }

            schemas[name] = new JsonObject
            {
                ["type"] = "object",
                ["required"] = new JsonArray(property),
                ["properties"] = new JsonObject { [property] = new JsonObject { ["type"] = "string" } },
                ["discriminator"] = schema["discriminator"]!.DeepClone(),
            };
            foreach (var variantName in references.Select(r => r!["#/components/schemas/".Length..]))
            {
                if (schemas[variantName] is not JsonObject variant || variant.ContainsKey("allOf"))
                {
                    continue;
                }

                var own = variant.DeepClone().AsObject();
                (own["properties"] as JsonObject)?.Remove(property);
                if (own["required"] is JsonArray required)
                {
                    own["required"] = new JsonArray([.. required.Where(r => r?.GetValue<string>() != property).Select(r => r!.DeepClone())]);
                }

                var extended = new JsonObject();
                if (own["description"] is { } description)
                {
                    own.Remove("description");
                    extended["description"] = description;
                }

                extended["allOf"] = new JsonArray(new JsonObject { ["$ref"] = $"#/components/schemas/{name}" }, own);
                schemas[variantName] = extended;
            }
        }

        return root.ToJsonString();
    }

    /// <summary>Runs openapi-typescript (tools/package.json) on the document and returns the generated types.</summary>
    public static async Task<string> GenerateTypeScriptAsync(string document)
    {
        // A folder of its own: openapi-typescript would pick up a lint config (redocly.yaml) from its working directory.
        var folder = Directory.CreateTempSubdirectory("outbound-api-types-");
        try
        {
            var input = Path.Combine(folder.FullName, "openapi.json");
            var output = Path.Combine(folder.FullName, "schema.d.ts");
            await File.WriteAllTextAsync(input, document);
            await RunToolAsync("openapi-typescript", folder.FullName, input, "--output", output);
            return Normalize(await File.ReadAllTextAsync(output));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Type-checks a TypeScript file strictly, as the console's build would; returns the compiler's output.</summary>
    public static Task<string> TypeCheckAsync(string file) =>
        RunToolAsync("tsc", ProviderTestPaths.RepoRoot, "--noEmit", "--strict", "--skipLibCheck", "false", "--target", "es2022", file);

    /// <summary>The first line that differs between two texts, for a failure message that shows where the contract moved.</summary>
    public static string FirstDifference(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (var i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            var e = i < expectedLines.Length ? expectedLines[i] : "<end of file>";
            var a = i < actualLines.Length ? actualLines[i] : "<end of file>";
            if (e != a)
            {
                return $"line {i + 1}: checked in `{e.Trim()}`, generated `{a.Trim()}`";
            }
        }

        return "no difference";
    }

    /// <summary>Checked-in files use LF line endings and end with one newline (.editorconfig).</summary>
    private static string Normalize(string code) => code.ReplaceLineEndings("\n").TrimEnd() + "\n";

    private static async Task<string> RunToolAsync(string tool, string workingDirectory, params string[] arguments)
    {
        TestEnvironment.RequireIntegrationLayer($"runs {tool}");
        var path = Path.Combine(ToolsBin, tool);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{tool} is not installed at {path}: run `npm ci --prefix tools` (./test.sh does).");
        }

        var start = new ProcessStartInfo(path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var output = (await stdout) + (await stderr);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output}");
        }

        return output;
    }

    /// <summary>
    /// Method names from each operation's <c>operationId</c>; an operation without one is named from its path and
    /// method, so the client still generates while the document gains its ids.
    /// </summary>
    private sealed class OperationIdOrPathNameGenerator : IOperationNameGenerator
    {
        private readonly SingleClientFromOperationIdOperationNameGenerator _byId = new();
        private readonly SingleClientFromPathSegmentsOperationNameGenerator _byPath = new();

        public bool SupportsMultipleClients => false;

        public string GetClientName(OpenApiDocument document, string path, string httpMethod, OpenApiOperation operation) => string.Empty;

        public string GetOperationName(OpenApiDocument document, string path, string httpMethod, OpenApiOperation operation) =>
            string.IsNullOrEmpty(operation.OperationId)
                ? _byPath.GetOperationName(document, path, httpMethod, operation)
                : _byId.GetOperationName(document, path, httpMethod, operation);
    }
}
