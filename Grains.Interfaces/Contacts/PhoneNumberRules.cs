using PhoneNumbers;

namespace Outbound.Contacts;

/// <summary>Phone number checks, on libphonenumber: shared by the cluster and the gateway, so both refuse the same numbers.</summary>
public static class PhoneNumberRules
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>Whether <paramref name="number"/> is a valid phone number written in E.164 form (<c>+</c>, country code, number).</summary>
    public static bool IsE164(string? number)
    {
        if (number is null || !number.StartsWith('+'))
        {
            return false;
        }

        try
        {
            var parsed = Phones.Parse(number, null);
            return Phones.IsValidNumber(parsed) && Phones.Format(parsed, PhoneNumberFormat.E164) == number;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }
}
