using System.Text;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Outbound.Tests.ProviderFake;
using Outbound.Tests.Sending;

namespace Outbound.Tests.Secrets;

/// <summary>
/// Channel credentials are sealed in storage: the catalog table holds none of them, and what it holds opens again
/// after a restart, after a key-encryption key rotation, and when it was stored before sealing existed.
/// Its own system, because it restarts the silo.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class SecretsAtRestTests : IAsyncLifetime
{
    private readonly OutboundSystem _system = new();

    public Task InitializeAsync() => _system.InitializeAsync();

    public Task DisposeAsync() => _system.DisposeAsync();

    [Fact]
    public async Task The_catalog_table_holds_no_channel_secret()
    {
        var org = await _system.CreateOrgAsync();
        var token = $"twilio-token-{Guid.NewGuid():N}";
        var accessKey = Convert.ToBase64String(Encoding.UTF8.GetBytes($"acs-access-key-{Guid.NewGuid():N}"));
        var eventsSecret = $"events-secret-{Guid.NewGuid():N}";
        var twilio = await org.Http.CreateAsync("/v1/channels", Api.TwilioSmsChannel(authToken: token));
        var acs = await org.Http.CreateAsync("/v1/channels", new
        {
            name = "ACS", type = "sms", provider = "acs", from = "+14255550123",
            acs = new { endpoint = "https://contoso.communication.azure.com/", accessKey, eventsSecret },
        });

        var rows = await ChannelRowsAsync(twilio, acs);

        Assert.Equal(2, rows.Count);
        var forbidden = new[] { token, accessKey, eventsSecret }
            .SelectMany(s => new[] { s, Convert.ToBase64String(Encoding.UTF8.GetBytes(s)) })
            .Append(Encoding.UTF8.GetString(Convert.FromBase64String(accessKey)))
            .ToArray();
        foreach (var text in rows.SelectMany(Texts))
        {
            foreach (var secret in forbidden)
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task A_channel_sends_after_a_silo_restart_and_after_a_key_encryption_key_rotation()
    {
        var (org, configuration, run) = await _system.NewSmsSenderAsync();
        var newKek = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        await _system.RestartSiloAsync();
        await SendOneAsync(org, configuration, $"{run}-restarted");
        // A rotation: the new key first, the old one still listed, then the old one gone.
        await _system.RestartSiloAsync(("DATA_PROTECTION_KEK", $"{newKek},{OutboundSystem.DataProtectionKek}"));
        await SendOneAsync(org, configuration, $"{run}-both-keys");
        await _system.RestartSiloAsync(("DATA_PROTECTION_KEK", newKek));
        await SendOneAsync(org, configuration, $"{run}-new-key");

        Assert.Single(await _system.LedgerBodiesAsync($"{run}-new-key"));
        // The key ring lives in the storage account, every key wrapped, and now by the new key only.
        var keys = new TableServiceClient(TestEnvironment.StorageConnectionString).GetTableClient("DataProtectionKeys");
        var ring = new List<string>();
        await foreach (var row in keys.QueryAsync<TableEntity>(e => e.PartitionKey == _system.ServiceId))
        {
            ring.Add(row.GetString("Xml"));
        }

        Assert.NotEmpty(ring);
        Assert.All(ring, xml =>
        {
            Assert.Contains("<kekWrapped", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
            Assert.DoesNotContain(KekId(OutboundSystem.DataProtectionKek), xml, StringComparison.Ordinal);
        });
    }

    private static string KekId(string kek) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Convert.FromBase64String(kek)).AsSpan(0, 8)).ToLowerInvariant();

    [Fact]
    public async Task A_credential_stored_in_plain_text_before_sealing_still_sends_and_is_sealed_once_read()
    {
        var org = await _system.CreateOrgAsync();
        var (channel, _, configuration) = await org.Http.CreateSmsSetupAsync();
        var run = Guid.NewGuid().ToString("N");
        var table = CatalogTable();
        var row = Assert.Single(await ChannelRowsAsync(channel));
        // The row as it was before sealing: the token in plain text (Orleans stores the state as UTF-8 JSON bytes).
        var unsealed = new TableEntity(row.PartitionKey, row.RowKey);
        foreach (var (name, value) in row)
        {
            unsealed[name] = value is byte[] json ? Encoding.UTF8.GetBytes(SealedToken().Replace(Encoding.UTF8.GetString(json), PlainToken)) : value;
        }

        Assert.Contains(Texts(unsealed), t => t.Contains(Api.TwilioAuthToken, StringComparison.Ordinal));
        await table.UpdateEntityAsync(unsealed, row.ETag, TableUpdateMode.Replace);

        await _system.RestartSiloAsync();
        await SendOneAsync(org, configuration, run);

        var rewritten = Assert.Single(await ChannelRowsAsync(channel));
        Assert.DoesNotContain(Texts(rewritten), t => t.Contains(Api.TwilioAuthToken, StringComparison.Ordinal));
    }

    /// <summary>Sends one message and waits until the provider fake took it (it checks the credentials).</summary>
    private static async Task SendOneAsync(OrgClient org, Guid configuration, string run)
    {
        // The gateway reconnects to a restarted silo within seconds.
        var ids = await Eventually.ReturnsAsync(
            async () =>
            {
                try
                {
                    return await org.SendTaggedAsync(configuration, run, 1);
                }
                catch (Exception e) when (e is HttpRequestException or Xunit.Sdk.XunitException)
                {
                    return [];
                }
            },
            sent => sent.Length == 1,
            timeoutMs: 60_000,
            pollMs: 250);
        await org.Http.WaitForMessageAsync(ids[0], "sent", "delivered");
    }

    private static TableClient CatalogTable() => new TableServiceClient(TestEnvironment.StorageConnectionString).GetTableClient("Catalog");

    /// <summary>The catalog rows of these channels (their grain keys name them).</summary>
    private async Task<List<TableEntity>> ChannelRowsAsync(params Guid[] channels)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in CatalogTable().QueryAsync<TableEntity>(e =>
            e.PartitionKey.CompareTo(_system.ServiceId) >= 0 && e.PartitionKey.CompareTo(_system.ServiceId + "~") < 0))
        {
            if (channels.Any(c => row.PartitionKey.Contains(c.ToString("D"), StringComparison.OrdinalIgnoreCase))
                && !row.PartitionKey.Contains("index", StringComparison.OrdinalIgnoreCase))
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    /// <summary>Every property of a row as text: strings as they are, binary as UTF-8.</summary>
    private static IEnumerable<string> Texts(TableEntity row) =>
        row.Select(p => p.Value switch
        {
            string s => s,
            byte[] b => Encoding.UTF8.GetString(b),
            BinaryData d => d.ToString(),
            var other => other?.ToString() ?? "",
        });

    private const string PlainToken = $"\"AuthToken\":{{\"Value\":\"{Api.TwilioAuthToken}\"}}";

    [GeneratedRegex("\"AuthToken\":\\{\"Value\":\"dp1:[^\"]*\"\\}", RegexOptions.IgnoreCase)]
    private static partial Regex SealedToken();
}
