using System.Globalization;

namespace Scheduler.Bench;

/// <summary>The figures of one run, each next to its target, printed as they come and again together at the end.</summary>
internal sealed class Report
{
    private readonly List<string> _lines = [];

    public int Passed { get; private set; }

    public int Failed { get; private set; }

    public static double Percentile(IReadOnlyList<double> values, double percent)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    /// <summary>A figure with no target: context for the ones that have one.</summary>
    public void Note(string text) => Add($"  {text}");

    /// <summary>A figure and whether it meets its target; counted for the closing "N passed, N failed" line.</summary>
    public void Check(string text, bool met)
    {
        if (met)
        {
            Passed++;
        }
        else
        {
            Failed++;
        }

        Add($"  [{(met ? "ok" : "MISSED")}] {text}");
    }

    public void Section(string title) => Add($"{title} (load average {Load()})");

    public void PrintAll()
    {
        Console.WriteLine();
        Console.WriteLine("=== summary ===");
        foreach (var line in _lines)
        {
            Console.WriteLine(line);
        }
    }

    public static string F(double value, string format = "F1") => value.ToString(format, CultureInfo.InvariantCulture);

    private void Add(string line)
    {
        _lines.Add(line);
        Console.WriteLine(line);
    }
}
