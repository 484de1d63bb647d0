namespace Outbound.Catalog;

/// <summary>The messaging channel a template, a channel and an outbound configuration are for.</summary>
/// <remarks>Stored as a number: never renumber a member.</remarks>
public enum ChannelType
{
    Sms = 0,
    WhatsApp = 1,
}
