using System.Globalization;

namespace Scheduler.Bench;

/// <summary>CPU time, user and system, of a process or of its tiered-compilation thread, from <c>/proc</c>.</summary>
internal static class ProcessCpu
{
    // The kernel keeps 15 characters of a thread's name: ".NET Tiered Compilation Worker" reads so.
    private const string CompilerThread = ".NET Tiered Com";

    public static double Seconds(int processId) => Ticks($"/proc/{processId}/stat") / 100.0;

    /// <summary>The time of the runtime's tiered-compilation thread: how much of a node's warm-up is the JIT's.</summary>
    public static double CompilerSeconds(int processId)
    {
        var ticks = 0L;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{processId}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == CompilerThread)
                {
                    ticks += Ticks(Path.Combine(task, "stat"));
                }
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read.
            }
        }

        return ticks / 100.0;
    }

    // utime and stime, in the kernel's 100 Hz ticks; the name in parentheses may hold spaces.
    private static long Ticks(string statPath)
    {
        var fields = File.ReadAllText(statPath).Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
