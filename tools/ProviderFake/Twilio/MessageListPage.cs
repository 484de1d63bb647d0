namespace Outbound.ProviderFake.Twilio;

/// <summary>
/// One page of the Messages list: the spec's <c>ListMessageResponse</c>, snake_case on the wire. The URIs are paths
/// with their query, as Twilio writes them; the SDK puts <c>https://api.twilio.com</c> in front to follow them.
/// </summary>
/// <param name="Start">The index of the page's first message in the whole list (<see cref="Page"/> × <see cref="PageSize"/>).</param>
/// <param name="End">The index of its last message (<see cref="Start"/> on an empty page, as in the spec's examples).</param>
/// <param name="NextPageUri">Null on the last page.</param>
/// <param name="PreviousPageUri">Null on the first page (and on an empty one).</param>
public sealed record MessageListPage(
    int End,
    string FirstPageUri,
    string? NextPageUri,
    int Page,
    int PageSize,
    string? PreviousPageUri,
    int Start,
    string Uri,
    IReadOnlyList<MessageResource> Messages);
