using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Outbound.Tests.Security;

/// <summary>One request of <c>hostile-requests.json</c> and the answer it must get.</summary>
/// <param name="Endpoint">The endpoint it aims at, as <c>METHOD /v1/route</c>.</param>
/// <param name="Status">An exact status code, or <c>4xx</c>.</param>
/// <param name="Field">The field the problem's <c>errors</c> must name, if any.</param>
/// <param name="Problem">False where the server refuses the request before the API sees it, without a body.</param>
public sealed record HostileCase(
    string Endpoint, string Case, string Method, JsonNode Path, string Auth, string? ContentType, JsonNode? Body,
    IReadOnlyDictionary<string, string> Headers, JsonNode Status, string? Field, bool Problem)
{
    public override string ToString() => $"{Endpoint}: {Case}";

    public bool Allows(int status) =>
        Status.GetValueKind() == JsonValueKind.Number ? status == Status.GetValue<int>() : status is >= 400 and < 500;
}

/// <summary>Reads the corpus and turns its cases into requests for one org's items.</summary>
public static partial class HostileCorpus
{
    public const string FileName = "hostile-requests.json";

    /// <summary>The corpus: <see cref="FileName"/> and one <c>hostile-requests.{area}.json</c> per later area of the API.</summary>
    public static IReadOnlyList<HostileCase> Load() =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Security"), "hostile-requests*.json").Order(StringComparer.Ordinal).SelectMany(LoadFile)];

    private static IEnumerable<HostileCase> LoadFile(string file)
    {
        var root = JsonNode.Parse(File.ReadAllText(file))!;
        return [.. root["cases"]!.AsArray().Select(c => new HostileCase(
            c!["endpoint"]!.GetValue<string>(),
            c["case"]!.GetValue<string>(),
            c["method"]!.GetValue<string>(),
            c["path"]!,
            c["auth"]?.GetValue<string>() ?? "org",
            c["contentType"]?.GetValue<string>(),
            c["json"] is { } json ? JsonValue.Create(json.ToJsonString()) : c["body"],
            c["headers"]?.AsObject().ToDictionary(h => h.Key, h => h.Value!.GetValue<string>()) ?? [],
            c["status"]!,
            c["field"]?.GetValue<string>(),
            c["problem"]?.GetValue<bool>() ?? true))];
    }

    /// <summary>The request of <paramref name="hostile"/>, with its placeholders (<c>{channelId}</c>, …) filled from <paramref name="values"/>.</summary>
    public static HttpRequestMessage Request(HostileCase hostile, IReadOnlyDictionary<string, string> values)
    {
        var path = Encoding.UTF8.GetString(Bytes(hostile.Path, values));
        var request = new HttpRequestMessage(new HttpMethod(hostile.Method), path);
        // Each case on a connection of its own: the server may close one after refusing a body unread, and a
        // pooled connection closed that way would fail the next case instead.
        request.Headers.ConnectionClose = true;
        if (hostile.Body is not null || hostile.ContentType is not null)
        {
            var body = hostile.Body is null ? [] : Bytes(hostile.Body, values);
            request.Content = new ByteArrayContent(body);
            // As a careful client would: a body refused for its size is then never sent, which the server's early
            // answer would otherwise cut off mid-send.
            request.Headers.ExpectContinue = body.Length > 64 * 1024;
            if (hostile.ContentType is not null)
            {
                // Without validation: some cases send content types that are malformed on purpose.
                request.Content.Headers.TryAddWithoutValidation("Content-Type", hostile.ContentType);
            }
        }

        foreach (var (name, value) in hostile.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, Fill(value, values));
        }

        return request;
    }

    /// <summary>The <c>auth</c> of a case: <c>org</c>, <c>admin</c>, <c>none</c> or <c>bearer:{key}</c>.</summary>
    public static AuthenticationHeaderValue? Authorization(HostileCase hostile, string orgKey, IReadOnlyDictionary<string, string> values) => hostile.Auth switch
    {
        "org" => new("Bearer", orgKey),
        "admin" => new("Bearer", OutboundSystem.AdminKey),
        "none" => null,
        var auth when auth.StartsWith("bearer:", StringComparison.Ordinal) => new("Bearer", Fill(auth["bearer:".Length..], values)),
        var auth => throw new InvalidOperationException($"Unknown auth '{auth}' in {hostile}."),
    };

    /// <summary>A body or path: a string, or parts that are strings, <c>{repeat, times}</c> or <c>{bytes}</c> (hex).</summary>
    private static byte[] Bytes(JsonNode node, IReadOnlyDictionary<string, string> values)
    {
        if (node.GetValueKind() == JsonValueKind.String)
        {
            return Encoding.UTF8.GetBytes(Fill(node.GetValue<string>(), values));
        }

        var bytes = new List<byte>();
        foreach (var part in node.AsArray())
        {
            if (part!.GetValueKind() == JsonValueKind.String)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(Fill(part.GetValue<string>(), values)));
            }
            else if (part["repeat"] is { } repeat)
            {
                var unit = Encoding.UTF8.GetBytes(repeat.GetValue<string>());
                for (var i = 0; i < part["times"]!.GetValue<int>(); i++)
                {
                    bytes.AddRange(unit);
                }
            }
            else
            {
                bytes.AddRange(Convert.FromHexString(part["bytes"]!.GetValue<string>().Replace(" ", "", StringComparison.Ordinal)));
            }
        }

        return [.. bytes];
    }

    // Only the corpus's own names are placeholders: a template body's {CustomerName} stays as it is.
    private static string Fill(string text, IReadOnlyDictionary<string, string> values) =>
        Placeholder().Replace(text, m => values.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);

    [GeneratedRegex(@"\{([A-Za-z]+(?::N)?)\}")]
    private static partial Regex Placeholder();
}
