using System.Globalization;

namespace Scheduler.Bench;

/// <summary>CPU time, user and system, of a process or of its tiered-compilation thread, from <c>/proc</c>.</summary>
internal static class ProcessCpu
{
    // The kernel keeps 15 characters of a thread's name: ".NET Tiered Compilation Worker" reads so.
    private const string CompilerThread = ".NET Tiered Com";

    public static double Seconds(int processId) => Ticks($"/proc/{processId}/stat") / 100.0;

    /// <summary>
    /// The time of the runtime's tiered-compilation threads by thread id: how much of a node's warm-up is the JIT's.
    /// The runtime ends such a thread when it has been idle a while and starts another later, so a later reading is
    /// compared thread by thread (<see cref="CompilerSecondsSince"/>).
    /// </summary>
    public static Dictionary<int, double> CompilerSeconds(int processId)
    {
        var threads = new Dictionary<int, double>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{processId}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == CompilerThread)
                {
                    threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = Ticks(Path.Combine(task, "stat")) / 100.0;
                }
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read.
            }
        }

        return threads;
    }

    /// <summary>The compiling threads' time since <paramref name="before"/>, a reading of the same process.</summary>
    public static double CompilerSecondsSince(int processId, Dictionary<int, double> before) =>
        CompilerSeconds(processId).Sum(t => t.Value - before.GetValueOrDefault(t.Key));

    // utime and stime, in the kernel's 100 Hz ticks; the name in parentheses may hold spaces.
    private static long Ticks(string statPath)
    {
        var fields = File.ReadAllText(statPath).Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
