namespace Outbound.Tests.ProviderFake;

/// <summary>Waits for a condition by polling, instead of sleeping a guessed time.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> read, Func<T, bool> condition, int timeoutMs = 5000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The condition did not hold within {timeoutMs} ms; last value: {value}");
            await Task.Delay(20);
        }
    }
}
