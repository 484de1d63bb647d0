namespace Outbound.Bench.Setup;

/// <summary>One org the load is spread over: its key and the outbound configuration its requests name.</summary>
public sealed record Tenant(Guid OrgId, string ApiKey, Guid ConfigurationId)
{
    public string SendPath => $"/v1/outbound-configurations/{ConfigurationId}/send";
}
