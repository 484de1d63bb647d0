using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Orleans.Connections.Security;

namespace Outbound.Hosting;

/// <summary>
/// Optional mutual TLS on Orleans connections (silo to silo, gateway to silo), from PEM files as a Kubernetes TLS
/// Secret mounts them. Off unless <c>ORLEANS_TLS_CERT_FILE</c> is set; then every silo and gateway must set it.
/// </summary>
/// <remarks>
/// Peers dial pod IPs, which no certificate names, so the host name is not checked. A peer is trusted instead when
/// its certificate chains to <c>ORLEANS_TLS_CA_FILE</c>, or, without a CA, when it is the cluster's own certificate.
/// </remarks>
public sealed class ClusterTls
{
    public const string CertificateFileKey = "ORLEANS_TLS_CERT_FILE";
    public const string KeyFileKey = "ORLEANS_TLS_KEY_FILE";
    public const string CaFileKey = "ORLEANS_TLS_CA_FILE";

    private readonly X509Certificate2? _authority;

    private ClusterTls(X509Certificate2 certificate, X509Certificate2? authority)
    {
        Certificate = certificate;
        _authority = authority;
    }

    /// <summary>This node's certificate, presented to every peer.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The TLS settings from configuration, or null when cluster connections are plain TCP.</summary>
    public static ClusterTls? From(IConfiguration configuration)
    {
        if (configuration[CertificateFileKey] is not { Length: > 0 } certificateFile)
        {
            return null;
        }

        var keyFile = configuration[KeyFileKey] is { Length: > 0 } k ? k
            : throw new InvalidOperationException($"{KeyFileKey} is not set: {CertificateFileKey} needs its private key.");
        var certificate = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        // A Secret without ca.crt leaves the file absent: peers are then pinned to the shared certificate, which is stricter.
        var authority = configuration[CaFileKey] is { Length: > 0 } caFile && File.Exists(caFile)
            ? X509CertificateLoader.LoadCertificateFromFile(caFile)
            : null;
        return new ClusterTls(certificate, authority);
    }

    /// <summary>Both ends present a certificate and both check the other's.</summary>
    public void Configure(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = IsTrusted;
    }

    private bool IsTrusted(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_authority is null)
        {
            return certificate.RawDataMemory.Span.SequenceEqual(Certificate.RawDataMemory.Span);
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(_authority);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return custom.Build(certificate);
    }
}
