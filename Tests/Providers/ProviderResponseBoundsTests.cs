using Outbound.Grains.Providers;
using Outbound.Providers;
using static Outbound.Tests.Providers.ProviderTestData;

namespace Outbound.Tests.Providers;

/// <summary>
/// Whoever answers a provider call (the provider, or a host a channel names) cannot make the silo read without end,
/// store a long text, or call a host outside the allow-list.
/// </summary>
public sealed class ProviderResponseBoundsTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private StubServer _stub = null!;

    public async Task InitializeAsync() => _stub = await StubServer.StartAsync();

    public async Task DisposeAsync() => await _stub.DisposeAsync();

    [Fact]
    public async Task An_endless_acs_error_body_is_read_only_up_to_the_cap_and_its_text_is_truncated()
    {
        await using var harness = ProviderHarness.Create(timeoutSeconds: 60);
        _stub.RespondEndlessly(400);

        var outcome = await harness.Acs.SendAsync(Sms(), Acs(_stub.Url), CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(SendStatus.Permanent, outcome.Status);
        Assert.Equal("400", outcome.ErrorCode);
        Assert.StartsWith("xxxx", outcome.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(ErrorTexts.MaxLength, outcome.ErrorMessage!.Length);
    }

    [Fact]
    public async Task An_endless_twilio_error_body_is_read_only_up_to_the_cap_and_its_text_is_truncated()
    {
        await using var harness = ProviderHarness.Create(_stub.Url, timeoutSeconds: 60);
        _stub.RespondEndlessly(400);

        var outcome = await harness.Twilio.SendAsync(Sms(), TwilioSms(), CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(SendStatus.Permanent, outcome.Status);
        Assert.True(outcome.ErrorMessage!.Length <= ErrorTexts.MaxLength, $"{outcome.ErrorMessage.Length} characters stored.");
    }

    [Fact]
    public async Task A_stored_acs_channel_whose_endpoint_is_not_allowed_is_never_called()
    {
        await using var harness = ProviderHarness.Create(acsOnLoopback: false);
        _stub.Respond = AcsProviderTests.AcceptAll;

        var outcome = await harness.Acs.SendAsync(Sms(), Acs(_stub.Url), CancellationToken.None);

        Assert.Equal(SendStatus.Permanent, outcome.Status);
        Assert.Equal("channel-config", outcome.ErrorCode);
        Assert.Empty(_stub.Requests);
    }
}
