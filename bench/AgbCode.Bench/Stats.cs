using System.Globalization;

namespace AgbCode.Bench;

/// <summary>Median, p99, min of a set of durations, printed in milliseconds.</summary>
internal sealed record Stats(string Name, IReadOnlyList<double> Seconds)
{
    public double Median => Percentile(0.5);
    public double P99 => Percentile(0.99);
    public double Min => Seconds.Min();

    private double Percentile(double p)
    {
        double[] sorted = [.. Seconds.Order()];
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    public string Row() => string.Create(CultureInfo.InvariantCulture,
        $"| {Name} | {Seconds.Count} | {Median * 1000:0.00} | {P99 * 1000:0.00} | {Min * 1000:0.00} |");

    public const string Header = "| what | runs | median ms | p99 ms | min ms |\n|---|---|---|---|---|";
}
