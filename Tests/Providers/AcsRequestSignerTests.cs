using System.Net.Http;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Outbound.Channels;
using Outbound.Grains.Providers.Acs;

namespace Outbound.Tests.Providers;

/// <summary>The ACS HMAC signature against the known-answer vector of providers.md §4.4 (Node SDK and C# agreed on it).</summary>
public sealed class AcsRequestSignerTests
{
    private const string GoldenDate = "Mon, 01 Apr 2019 06:22:03 GMT";
    private const string GoldenHost = "contoso.communication.azure.com";
    private const string GoldenPath = "/sms?api-version=2021-03-07";
    private const string GoldenBody = """{"from":"+18001110000","smsRecipients":[{"to":"+11234567890","repeatabilityRequestId":"fda6d242-46aa-4247-8bf6-619a1206f9c3","repeatabilityFirstSent":"Mon, 01 Apr 2019 06:22:03 GMT"}],"message":"Hello world!","smsSendOptions":{"enableDeliveryReport":true,"tag":"t1"}}""";
    private const string GoldenContentHash = "Y3L4W5MCrdgLhry45KaOkwMjxNVgLf3K7tJLL00hwlc=";
    private const string GoldenSignature = "pI0n9y+DmXcC6KiitERpZDL83A6C2hUugdnM1IdaPd8=";

    [Fact]
    public void Compute_reproduces_the_golden_content_hash_and_signature()
    {
        var signature = AcsRequestSigner.Compute("POST", GoldenPath, GoldenHost, GoldenDate, Encoding.UTF8.GetBytes(GoldenBody), ProviderTestData.AccessKey);

        Assert.Equal(GoldenContentHash, signature.ContentHash);
        Assert.Equal(GoldenSignature, signature.Signature);
        Assert.Equal($"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={GoldenSignature}", signature.Authorization);
    }

    [Fact]
    public void Sign_sets_the_golden_headers_using_the_injected_clock()
    {
        var signer = new AcsRequestSigner(new FakeTimeProvider(new DateTimeOffset(2019, 4, 1, 6, 22, 3, TimeSpan.Zero)));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"https://{GoldenHost}{GoldenPath}");

        signer.Sign(request, Encoding.UTF8.GetBytes(GoldenBody), new Secret(ProviderTestData.AccessKey));

        Assert.Equal(GoldenDate, request.Headers.GetValues("x-ms-date").Single());
        Assert.Equal(GoldenContentHash, request.Headers.GetValues("x-ms-content-sha256").Single());
        Assert.Equal($"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={GoldenSignature}", request.Headers.Authorization!.ToString());
    }

    [Fact]
    public void Sign_includes_a_non_default_port_in_the_signed_host()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2019, 4, 1, 6, 22, 3, TimeSpan.Zero));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:8090{GoldenPath}");
        var body = Encoding.UTF8.GetBytes(GoldenBody);

        new AcsRequestSigner(time).Sign(request, body, new Secret(ProviderTestData.AccessKey));

        var expected = AcsRequestSigner.Compute("POST", GoldenPath, "127.0.0.1:8090", GoldenDate, body, ProviderTestData.AccessKey);
        Assert.Equal(expected.AuthorizationParameter, request.Headers.Authorization!.Parameter);
        Assert.NotEqual(GoldenSignature, expected.Signature);
    }

    [Fact]
    public void A_key_that_is_not_base64_fails_without_revealing_the_key()
    {
        const string badKey = "not base64 at all!";

        var e = Assert.Throws<ArgumentException>(() => AcsRequestSigner.Compute("POST", GoldenPath, GoldenHost, GoldenDate, [], badKey));

        Assert.DoesNotContain(badKey, e.ToString(), StringComparison.Ordinal);
    }
}
