namespace Outbound.Tests.Infrastructure;

/// <summary>Waits for a condition by polling, instead of sleeping a guessed time.</summary>
public static class Eventually
{
    /// <summary>
    /// Reads until <paramref name="condition"/> holds for the value read; fails after the timeout with the last value,
    /// as <paramref name="describe"/> tells it (its ToString otherwise).
    /// </summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> read, Func<T, bool> condition, int timeoutMs = 5000, int pollMs = 20, Func<T, string>? describe = null)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The condition did not hold within {timeoutMs} ms; last value: {(describe is null ? value : describe(value))}");
            await Task.Delay(pollMs);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> is true; fails saying <paramref name="what"/> after the timeout.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"After {timeout}: {what}.");
            await Task.Delay(250);
        }
    }
}
