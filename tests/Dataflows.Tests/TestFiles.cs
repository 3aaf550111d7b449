using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Tests;

/// <summary>A temporary working directory per test, and definitions built in code.</summary>
internal sealed class TestFiles : IDisposable
{
    public TestFiles() => Directory.CreateDirectory(WorkingDirectory);

    public string WorkingDirectory { get; } = Path.Combine(Path.GetTempPath(), "dataflows-tests", Guid.NewGuid().ToString("N"));

    public string RejectedRowsPath => Path.Combine(WorkingDirectory, "rejected-rows.csv");

    public string Write(string name, string content)
    {
        var path = Path.Combine(WorkingDirectory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(WorkingDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static SourceDefinition Source(params ColumnDefinition[] columns) => new() { Columns = columns };

    public static ColumnDefinition Column(string name, ColumnType type, bool required = false) => new() { Name = name, Type = type, Required = required };

    public static DataflowDefinition Definition(SourceDefinition source, DestinationDefinition destination, int maxErrors = 0) =>
        new() { Name = "test", Source = source, Destination = destination, MaxErrors = maxErrors };

    public static string RepositoryFile(string relativePath)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"'{relativePath}' was not found above {AppContext.BaseDirectory}.");
    }
}

internal sealed class TestConnections(string connectionString) : IDatabaseConnections
{
    public const string Name = "Warehouse";

    public string GetPostgreSqlConnectionString(string connectionName) =>
        connectionName == Name ? connectionString : throw new DataflowException($"Unknown connection '{connectionName}'.");
}
