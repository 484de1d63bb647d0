using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Outbound.Orgs;

namespace Outbound.Tests.Hosting;

/// <summary>The system with mutual TLS on its Orleans connections, from PEM files as a Kubernetes TLS Secret mounts them.</summary>
public sealed class TlsSystem : OutboundSystem
{
    private readonly string _directory = Directory.CreateTempSubdirectory("outbound-tls-").FullName;

    public TlsSystem()
    {
        (CertificateFile, KeyFile) = WritePem(_directory, "cluster");
    }

    public string CertificateFile { get; }

    public string KeyFile { get; }

    protected override IEnumerable<(string Key, object? Value)> SharedSettings =>
        [("ORLEANS_TLS_CERT_FILE", CertificateFile), ("ORLEANS_TLS_KEY_FILE", KeyFile)];

    /// <summary>A new self-signed certificate and its key as PEM files.</summary>
    public static (string Certificate, string Key) WritePem(string directory, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=outbound-{name}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certificateFile = Path.Combine(directory, $"{name}.crt");
        var keyFile = Path.Combine(directory, $"{name}.key");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certificateFile, keyFile);
    }
}

[Trait("Category", "Integration")]
public sealed class ClusterTlsTests(TlsSystem system) : IClassFixture<TlsSystem>
{
    [Fact]
    public async Task The_gateway_reaches_the_silo_over_tls()
    {
        var org = await system.CreateOrgAsync();

        var profile = await org.Http.GetFromJsonAsync<OrgProfile>("/v1/org");

        Assert.Equal(org.OrgId, profile!.OrgId);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_client_without_the_cluster_certificate_is_refused(bool overTlsWithAnotherCertificate)
    {
        var (certificate, key) = TlsSystem.WritePem(Path.GetDirectoryName(system.CertificateFile)!, "stranger");
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = system.ServiceId;
                o.ServiceId = system.ServiceId;
            });
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(TestEnvironment.StorageConnectionString));
            // One refusal is the answer: without these the client retries and waits minutes before it gives up.
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            if (overTlsWithAnotherCertificate)
            {
                client.UseTls(X509Certificate2.CreateFromPemFile(certificate, key), o => o.AllowAnyRemoteCertificate());
            }
        });
        using var host = builder.Build();

        // The silo rejects the handshake (or a plain connection), so the client never connects to a gateway.
        var refused = await Record.ExceptionAsync(async () =>
        {
            await host.StartAsync();
            await host.Services.GetRequiredService<IClusterClient>().GetGrain<IOrgGrain>(Guid.NewGuid()).GetAsync();
        });

        Assert.NotNull(refused);
        Assert.Equal(HttpStatusCode.OK, (await system.Anonymous().GetAsync("/health/ready")).StatusCode);
    }
}
