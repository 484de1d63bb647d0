namespace Outbound.Bench.Measure;

/// <summary>Nearest-rank percentiles of a sample, in milliseconds.</summary>
public sealed record Percentiles(int Count, double P50, double P95, double P99, double Max)
{
    public static readonly Percentiles Empty = new(0, double.NaN, double.NaN, double.NaN, double.NaN);

    public static Percentiles Of(List<double> values)
    {
        if (values.Count == 0)
        {
            return Empty;
        }

        values.Sort();
        double At(double p) => values[Math.Clamp((int)Math.Ceiling(p * values.Count) - 1, 0, values.Count - 1)];
        return new Percentiles(values.Count, At(0.50), At(0.95), At(0.99), values[^1]);
    }
}
