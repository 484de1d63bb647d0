using System.Text.Json;
using Outbound.Triggers;

namespace Outbound.Tests.Triggers;

public sealed class TriggerFilterTests
{
    private static readonly JsonElement Data = JsonDocument.Parse("""
        {"priority":"high","score":3,"vip":true,"customer":{"phone":"+14155550142","a/b":"slash","m~n":"tilde"},"tags":["x","y"],"note":null}
        """).RootElement;

    [Theory]
    [InlineData("/priority", "\"high\"", true)]
    [InlineData("/priority", "\"HIGH\"", false)]
    [InlineData("/score", "3", true)]
    [InlineData("/score", "3.0", true)]
    [InlineData("/score", "\"3\"", false)]
    [InlineData("/vip", "true", true)]
    [InlineData("/customer/a~1b", "\"slash\"", true)]
    [InlineData("/customer/m~0n", "\"tilde\"", true)]
    [InlineData("/tags/1", "\"y\"", true)]
    [InlineData("/tags/01", "\"y\"", false)]
    [InlineData("/missing", "\"high\"", false)]
    public void An_equality_condition_compares_the_json_value_at_its_pointer(string path, string equals, bool holds) =>
        Assert.Equal(holds, new TriggerCondition(path, equals, null).Holds(Data));

    [Theory]
    [InlineData("/customer/phone", true, true)]
    [InlineData("/note", true, true)]
    [InlineData("/customer/email", true, false)]
    [InlineData("/customer/email", false, true)]
    [InlineData("/tags/2", false, true)]
    public void A_presence_condition_asks_whether_a_value_is_at_its_pointer(string path, bool exists, bool holds) =>
        Assert.Equal(holds, new TriggerCondition(path, null, exists).Holds(Data));

    [Fact]
    public void An_event_without_data_matches_only_conditions_that_want_absence()
    {
        Assert.False(new TriggerCondition("/priority", "\"high\"", null).Holds(null));
        Assert.True(new TriggerCondition("/priority", null, false).Holds(null));
    }
}
