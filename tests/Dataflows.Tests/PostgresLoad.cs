using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scheduler.Dataflows.Definitions;
using Scheduler.Testing;

namespace Scheduler.Dataflows.Tests;

/// <summary>Loads a file through a source into a new table of the tests' real PostgreSQL server and reads the table back, so each file source is proven end to end.</summary>
internal static class PostgresLoad
{
    /// <returns>The run's result and the table's rows ordered by their first column, SQL NULL as null.</returns>
    public static async Task<(DataflowResult Result, List<object?[]> Rows)> RunAsync(TestFiles files, SourceDefinition source, string inputPath)
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync($"load_{source.Type}");
        var definition = TestFiles.Definition(source, new DestinationDefinition { Type = DestinationType.PostgreSql, Connection = TestConnections.Name, Table = "loaded", CreateTable = true });
        var result = await new DataflowRunner(new TestConnections(connectionString), NullLogger<DataflowRunner>.Instance)
            .RunAsync(new DataflowRunRequest(definition, inputPath, files.WorkingDirectory), CancellationToken.None);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT {string.Join(", ", source.Columns.Select(c => $"\"{c.Name}\""))} FROM loaded ORDER BY 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return (result, rows);
    }
}
