using Outbound.Channels;
using Outbound.Grains.Providers.Twilio;

namespace Outbound.Tests.Providers;

/// <summary>The webhook signature check, on Twilio's own published example (providers.md §1.7).</summary>
public sealed class TwilioSignatureTests
{
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private const string Signature = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    private static readonly TwilioSignature Validator = new(new Secret("12345"));

    private static Dictionary<string, string> Parameters() => new()
    {
        ["CallSid"] = "CA1234567890ABCDE",
        ["Caller"] = "+14158675309",
        ["Digits"] = "1234",
        ["From"] = "+14158675309",
        ["To"] = "+18005551212",
    };

    [Fact]
    public void Accepts_twilios_published_example()
    {
        Assert.True(Validator.IsValid(Url, Parameters(), Signature));
    }

    [Fact]
    public void Rejects_a_changed_url()
    {
        Assert.False(Validator.IsValid("https://mycompany.com/myapp.php?foo=1&bar=3", Parameters(), Signature));
    }

    [Fact]
    public void Rejects_a_changed_parameter()
    {
        var parameters = Parameters();
        parameters["Digits"] = "1235";

        Assert.False(Validator.IsValid(Url, parameters, Signature));
    }

    [Fact]
    public void Rejects_an_added_parameter()
    {
        var parameters = Parameters();
        parameters["Extra"] = "x";

        Assert.False(Validator.IsValid(Url, parameters, Signature));
    }

    [Fact]
    public void Rejects_a_changed_signature()
    {
        Assert.False(Validator.IsValid(Url, Parameters(), "RSOYDt4T1cUTdK1PDd93/VVr8B9="));
    }

    [Fact]
    public void Rejects_a_missing_signature()
    {
        Assert.False(Validator.IsValid(Url, Parameters(), null));
    }

    [Fact]
    public void Rejects_the_example_signed_with_another_token()
    {
        Assert.False(new TwilioSignature(new Secret("12346")).IsValid(Url, Parameters(), Signature));
    }
}
