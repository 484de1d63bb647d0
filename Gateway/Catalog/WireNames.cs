using Outbound.Channels;

namespace Outbound.Gateway.Catalog;

/// <summary>The names enums have on the wire.</summary>
public static class WireNames
{
    public static readonly IReadOnlyDictionary<string, ChannelType> ChannelTypes =
        new Dictionary<string, ChannelType>(StringComparer.OrdinalIgnoreCase) { ["sms"] = ChannelType.Sms, ["whatsapp"] = ChannelType.WhatsApp };

    public static readonly IReadOnlyDictionary<string, ProviderKind> Providers =
        new Dictionary<string, ProviderKind>(StringComparer.OrdinalIgnoreCase) { ["twilio"] = ProviderKind.Twilio, ["acs"] = ProviderKind.AzureCommunicationServices };

    public static string Of(ChannelType type) => type == ChannelType.Sms ? "sms" : "whatsapp";

    public static string Of(ProviderKind provider) => provider == ProviderKind.Twilio ? "twilio" : "acs";
}
