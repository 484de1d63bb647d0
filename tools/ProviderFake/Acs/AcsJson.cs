using System.Text.Json;
using System.Text.Json.Serialization;

namespace Outbound.ProviderFake.Acs;

/// <summary>ACS's JSON: camelCase, absent values left out (as in the recorded responses).</summary>
public static class AcsJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
