using Outbound.Activities;
using Outbound.Contacts;
using Outbound.Orgs;
using Outbound.Providers;
using Outbound.Sending;

namespace Outbound.Tests.Sending;

/// <summary>
/// The send path on the in-process system (grains, memory storage, a provider in memory): what a request becomes,
/// what reaches the provider, and what the activity records show.
/// </summary>
public sealed class SendPathTests(InProcessSystem system) : IClassFixture<InProcessSystem>
{
    [Fact]
    public async Task An_accepted_message_goes_to_the_provider_and_shows_on_the_customers_timeline()
    {
        var org = await system.CreateOrgAsync();
        var configuration = await system.CreateSmsConfigurationAsync(org);
        var to = InProcessSystem.UniqueNumber();

        var receipt = await system.SendAsync(org, configuration, InProcessSystem.Contact(to));

        Assert.Equal(ReceiptStatus.Accepted, receipt.Status);
        var result = Assert.Single(receipt.Results);
        Assert.Equal(ContactStatus.Accepted, result.Status);
        var sent = await system.WaitForMessageAsync(org, result.MessageId!, MessageStatus.Sent);
        var carried = Assert.Single(system.Provider.Sent, s => s.Message.To == to);
        Assert.Equal("Hi Ada.", carried.Message.Body);
        Assert.Equal(InProcessSystem.From, carried.Channel.From);
        Assert.Equal(carried.ProviderMessageId, sent.ProviderMessageId);

        var timeline = await Eventually.ReturnsAsync(
            () => system.Grains.GetGrain<IActivityQueryGrain>(org).GetTimelineAsync(new TimelineQuery(TimelineKind.Contact, to, 10, null)),
            page => page.Items.Length == 1);
        Assert.Equal(result.MessageId, timeline.Items[0].MessageId);
    }

    [Fact]
    public async Task A_message_regarding_an_entity_shows_on_that_entitys_timeline()
    {
        var org = await system.CreateOrgAsync();
        var configuration = await system.CreateSmsConfigurationAsync(org);
        var regarding = $"case-{Guid.NewGuid():N}";

        var receipt = await system.SendAsync(org, configuration, InProcessSystem.Contact(InProcessSystem.UniqueNumber(), regarding), InProcessSystem.Contact(InProcessSystem.UniqueNumber(), regarding));

        var timeline = await Eventually.ReturnsAsync(
            () => system.Grains.GetGrain<IActivityQueryGrain>(org).GetTimelineAsync(new TimelineQuery(TimelineKind.Regarding, regarding, 10, null)),
            page => page.Items.Length == 2);
        Assert.Equal(receipt.Results.Select(r => r.MessageId).Order(), timeline.Items.Select(m => m.MessageId).Order());
    }

    [Fact]
    public async Task A_signed_delivery_callback_marks_the_message_delivered_and_an_unsigned_one_is_refused()
    {
        var org = await system.CreateOrgAsync();
        var configuration = await system.CreateSmsConfigurationAsync(org);
        var receipt = await system.SendAsync(org, configuration, InProcessSystem.Contact(InProcessSystem.UniqueNumber()));
        var messageId = receipt.Results[0].MessageId!;
        var sent = await system.WaitForMessageAsync(org, messageId, MessageStatus.Sent);
        Assert.True(MessageIds.TryParse(messageId, out var batchId, out var index));
        var batch = system.Grains.GetGrain<ISendBatchGrain>(MessageIds.BatchKey(org, batchId));
        var delivered = InMemoryProvider.CallbackForm(sent.ProviderMessageId!, MessageStatus.Delivered);

        Assert.False(await batch.ApplyStatusCallbackAsync(index, "https://callbacks.test/status", delivered, "forged"));
        Assert.Equal(MessageStatus.Sent, (await batch.GetMessageAsync(index))!.Status);

        Assert.True(await batch.ApplyStatusCallbackAsync(index, "https://callbacks.test/status", delivered, InMemoryProvider.Signature));
        Assert.Equal(MessageStatus.Delivered, (await batch.GetMessageAsync(index))!.Status);
    }

    [Fact]
    public async Task A_message_the_provider_refuses_for_good_fails_with_the_providers_code()
    {
        var org = await system.CreateOrgAsync();
        var configuration = await system.CreateSmsConfigurationAsync(org);
        var to = InProcessSystem.UniqueNumber();
        system.Provider.Answer(to, SendOutcome.Failed(SendStatus.Permanent, "21211", "The 'To' number is not a valid phone number."));

        var receipt = await system.SendAsync(org, configuration, InProcessSystem.Contact(to));

        var failed = await system.WaitForMessageAsync(org, receipt.Results[0].MessageId!, MessageStatus.Failed);
        Assert.Equal("21211", failed.ErrorCode);
        Assert.Equal(1, failed.Attempts);
    }

    [Fact]
    public async Task Contacts_without_opt_in_or_opted_out_are_skipped_and_the_others_still_sent()
    {
        var org = await system.CreateOrgAsync();
        var configuration = await system.CreateSmsConfigurationAsync(org);
        var (optedOut, noOptIn, willing) = (InProcessSystem.UniqueNumber(), InProcessSystem.UniqueNumber(), InProcessSystem.UniqueNumber());
        await system.Grains.GetGrain<IContactGrain>(ContactKeys.Contact(org, optedOut)).OptOutAsync("api");

        var receipt = await system.SendAsync(org, configuration, InProcessSystem.Contact(optedOut), InProcessSystem.Contact(noOptIn) with { OptIn = false }, InProcessSystem.Contact(willing));

        Assert.Equal(ReceiptStatus.Accepted, receipt.Status);
        Assert.Equal([ContactStatus.SkippedOptedOut, ContactStatus.SkippedNoOptIn, ContactStatus.Accepted], receipt.Results.Select(r => r.Status));
        Assert.Null(receipt.Results[0].MessageId);
        Assert.Null(receipt.Results[1].MessageId);
        // The willing contact's message is the request's only one: once it is sent, the request has sent all it will.
        await system.WaitForMessageAsync(org, receipt.Results[2].MessageId!, MessageStatus.Sent);
        Assert.DoesNotContain(system.Provider.Sent, s => s.Message.To == optedOut || s.Message.To == noOptIn);
    }

    [Fact]
    public async Task A_request_over_the_hourly_quota_is_refused_whole_and_counts_nothing()
    {
        var org = await system.CreateOrgAsync(requestsPerHour: 1);
        var configuration = await system.CreateSmsConfigurationAsync(org);
        var first = await system.SendAsync(org, configuration, InProcessSystem.Contact(InProcessSystem.UniqueNumber()));

        var second = await system.SendAsync(org, configuration, InProcessSystem.Contact(InProcessSystem.UniqueNumber()), InProcessSystem.Contact(InProcessSystem.UniqueNumber()));

        Assert.Equal(ReceiptStatus.Accepted, first.Status);
        Assert.Equal(ReceiptStatus.QuotaExceeded, second.Status);
        Assert.Empty(second.Results);
        Assert.Equal(new QuotaDecision(false, 1, 0, first.Quota!.ResetAt), second.Quota);
        Assert.Equal(1, (await system.Grains.GetGrain<IOrgGrain>(org).GetQuotaUsageAsync())!.Used);
    }
}
