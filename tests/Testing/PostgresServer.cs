using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Scheduler.Testing;

/// <summary>
/// A real PostgreSQL server shared by every test of the process: the one named by <c>SCHEDULER_TEST_POSTGRES</c>
/// (a connection string), or else a throwaway cluster started on first use and removed at process exit.
/// Test classes get isolation from <see cref="CreateDatabaseAsync"/>, one fresh database each.
/// </summary>
public sealed class PostgresServer
{
    public const string EnvironmentVariable = "SCHEDULER_TEST_POSTGRES";

    private static readonly Lazy<PostgresServer> SharedServer = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private PostgresServer(string connectionString) => ConnectionString = connectionString;

    /// <summary>The server of this test process, started on first use.</summary>
    public static PostgresServer Shared => SharedServer.Value;

    /// <summary>A superuser connection to the <c>postgres</c> database (or the one given by the environment).</summary>
    public string ConnectionString { get; }

    /// <summary>Creates an empty database with a unique name starting with <paramref name="prefix"/>; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var safePrefix = new string(prefix.ToLowerInvariant().Where(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_').Take(40).ToArray());
        var name = $"{(safePrefix.Length == 0 ? "test" : safePrefix)}_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Everything a database holds, as <c>pg_dump</c> writes it (plain SQL, schema and data), to look for what must never be stored.</summary>
    public static async Task<string> DumpAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(Path.Combine(PostgresCluster.FindBinaries(), "pg_dump"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--no-owner", "-h", database.Host!, "-p", database.Port.ToString(CultureInfo.InvariantCulture), "-U", database.Username!, database.Database! })
        {
            start.ArgumentList.Add(argument);
        }

        if (database.Password is { } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start pg_dump.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"pg_dump failed with exit code {process.ExitCode}: {await error}");
    }

    private static PostgresServer Start()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(external) ? PostgresCluster.StartThrowaway() : new PostgresServer(external);
    }

    /// <summary>A cluster in a temporary folder, owned by the <c>postgres</c> user when tests run as root (postgres refuses root).</summary>
    private static class PostgresCluster
    {
        private const int StartAttempts = 3;

        /// <summary>Held for the life of the process: its stdin is the pipe whose end tells the watchdog to stop the cluster.</summary>
        private static Process? Watchdog { get; set; }

        public static PostgresServer StartThrowaway()
        {
            var binaries = FindBinaries();
            RemoveStaleClusters();
            var runAsPostgres = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
            var root = Path.Combine(Path.GetTempPath(), $"scheduler-pg-{Guid.NewGuid():N}");
            var dataDirectory = Path.Combine(root, "data");
            var log = Path.Combine(root, "server.log");
            Directory.CreateDirectory(root);
            try
            {
                if (runAsPostgres)
                {
                    Run(root, false, "chown", "postgres:postgres", root);
                }

                Run(root, runAsPostgres, Path.Combine(binaries, "initdb"), "-D", dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
                for (var attempt = 1; ; attempt++)
                {
                    var port = ServerProcess.FreePort();
                    var serverOptions = $"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c full_page_writes=off -c synchronous_commit=off";
                    try
                    {
                        Run(root, runAsPostgres, Path.Combine(binaries, "pg_ctl"), "-D", dataDirectory, "-l", log, "-o", serverOptions, "-w", "-t", "60", "start");
                    }
                    catch (InvalidOperationException) when (attempt < StartAttempts)
                    {
                        // Another process may have taken the port between the probe and the start.
                        continue;
                    }

                    AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(binaries, root, dataDirectory, runAsPostgres);
                    StartWatchdog(binaries, root, dataDirectory, runAsPostgres);
                    return new PostgresServer(
                        $"Host=127.0.0.1;Port={port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=postgres;Timeout=30;Command Timeout=60");
                }
            }
            catch (Exception exception)
            {
                var serverLog = File.Exists(log) ? File.ReadAllText(log) : "";
                TryDelete(root);
                throw new InvalidOperationException($"Could not start a throwaway PostgreSQL cluster: {exception.Message}\n{serverLog}", exception);
            }
        }

        private static void Stop(string binaries, string root, string dataDirectory, bool runAsPostgres)
        {
            try
            {
                Run(root, runAsPostgres, Path.Combine(binaries, "pg_ctl"), "-D", dataDirectory, "-m", "immediate", "-w", "stop");
            }
            catch (InvalidOperationException)
            {
                // Already stopped; the folder is removed anyway.
            }

            // The test host may be killed soon after ProcessExit starts; a separate process finishes the removal.
            try
            {
                using var removal = Process.Start(new ProcessStartInfo("setsid", ["rm", "-rf", root]) { UseShellExecute = false });
            }
            catch (System.ComponentModel.Win32Exception)
            {
                TryDelete(root);
            }
        }

        /// <summary>
        /// Stops the cluster when this process ends without running its exit handlers: the test runner kills a test
        /// host that does not exit in time, and the server pg_ctl started has left the host's process tree, so
        /// nothing else would stop it. The watchdog leaves the tree too (a background job of a shell that exits at
        /// once) and waits for the end of a pipe that only this process holds open.
        /// </summary>
        private static void StartWatchdog(string binaries, string root, string dataDirectory, bool runAsPostgres)
        {
            var stop = Command(runAsPostgres, Path.Combine(binaries, "pg_ctl"), "-D", dataDirectory, "-m", "immediate", "-w", "stop");
            var script = $"exec 3<&0; (cat <&3 >/dev/null; {stop} >/dev/null 2>&1; rm -rf {ShellQuote(root)}) 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &";
            var start = new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", script }, RedirectStandardInput = true, UseShellExecute = false };
            Watchdog = Process.Start(start);
        }

        /// <summary>Removes the folders of clusters from earlier runs that are no longer running (their host was killed).</summary>
        private static void RemoveStaleClusters()
        {
            foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), "scheduler-pg-*"))
            {
                // postmaster.opts is written when a server starts and postmaster.pid removed when it stops: both
                // together tell a stopped cluster from one another test process is still setting up.
                var started = File.Exists(Path.Combine(directory, "data", "postmaster.opts"));
                var running = File.Exists(Path.Combine(directory, "data", "postmaster.pid"));
                if (started && !running)
                {
                    TryDelete(directory);
                }
            }
        }

        public static string FindBinaries()
        {
            var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Concat(Directory.Exists("/usr/lib/postgresql")
                    ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(VersionOf).Select(d => Path.Combine(d, "bin"))
                    : []);
            foreach (var directory in candidates)
            {
                if (File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl")))
                {
                    // initdb on PATH is often a symlink; the server binaries live next to its target.
                    var initdb = new FileInfo(Path.Combine(directory, "initdb"));
                    var target = initdb.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb.FullName;
                    return Path.GetDirectoryName(target)!;
                }
            }

            throw new InvalidOperationException(
                $"PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin. " +
                $"Install them with 'apt-get install postgresql', or set {EnvironmentVariable} to the connection string of an existing server.");
        }

        private static int VersionOf(string directory) =>
            int.TryParse(Path.GetFileName(directory), NumberStyles.Integer, CultureInfo.InvariantCulture, out var version) ? version : 0;

        private static void Run(string workingDirectory, bool asPostgres, string fileName, params string[] arguments)
        {
            var start = new ProcessStartInfo
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // Descriptors 3-9 are closed for the command: the server pg_ctl leaves running would otherwise keep any
            // that the test run inherited, such as the lock of a test run started under flock.
            start.FileName = "/bin/sh";
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("exec " + Command(asPostgres, fileName, arguments) + " 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-");

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{Path.GetFileName(fileName)} did not finish within 2 minutes.");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {error.Result}{output.Result}");
            }
        }

        /// <summary>The command line for a shell, run as the <c>postgres</c> user when <paramref name="asPostgres"/>.</summary>
        private static string Command(bool asPostgres, string fileName, params string[] arguments)
        {
            var command = string.Join(' ', arguments.Prepend(fileName).Select(ShellQuote));
            return asPostgres ? $"su postgres -c {ShellQuote(command)}" : command;
        }

        private static string ShellQuote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

        private static void TryDelete(string directory)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // A leftover temporary folder is not worth failing a test run for.
            }
        }
    }
}
