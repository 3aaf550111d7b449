using System.Collections.Concurrent;
using System.Data;
using Npgsql;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Sources;

/// <summary>
/// Reads the rows of a query on a PostgreSql connection. The query's parameters are bound (never written into its
/// text), its rows are read in Npgsql's binary format, typed and transformed on a thread of their own while the
/// dataflow writes the earlier ones, and at most <see cref="BufferedBatches"/> batches wait in between: memory does
/// not grow with the result.
/// </summary>
/// <remarks>
/// Not <c>COPY (query) TO STDOUT (FORMAT BINARY)</c>: a COPY cannot take parameters, and on the same query and
/// machine reading its rows was slower than a data reader's (docs/measurements.md).
/// </remarks>
internal sealed class PostgreSqlRowSource : IRowSource
{
    private const int BatchRows = 512;
    private const int BufferedBatches = 8;
    private const int ReadBufferBytes = 256 * 1024;

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlCommand _command;
    private readonly NpgsqlDataReader _reader;
    private readonly PostgreSqlResultColumns _result;
    private readonly ValueRecordTyper _typer;
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenSource _stopped = new();

    private PostgreSqlRowSource(
        NpgsqlConnection connection, NpgsqlCommand command, NpgsqlDataReader reader, PostgreSqlResultColumns result, SourceDefinition source, CancellationToken cancellationToken)
    {
        _connection = connection;
        _command = command;
        _reader = reader;
        _result = result;
        _typer = new ValueRecordTyper(source, result.Columns);
        _cancellationToken = cancellationToken;
        Description = $"the query of the {source.Type} source on connection '{source.Connection}'";
    }

    public string Description { get; }

    public IReadOnlyList<ColumnDefinition> Columns => _result.Columns;

    /// <param name="parameters">The values of the query's parameters by name; a missing one is null.</param>
    public static async Task<PostgreSqlRowSource> OpenAsync(
        SourceDefinition source, IReadOnlyDictionary<string, object?> parameters, IDatabaseConnections connections, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        NpgsqlConnection connection;
        try
        {
            // The whole result comes through this buffer: a larger one than Npgsql's 8 KiB means far fewer reads from the socket.
            var settings = new NpgsqlConnectionStringBuilder(connections.GetPostgreSqlConnectionString(source.Connection!));
            settings.ReadBufferSize = Math.Max(settings.ReadBufferSize, ReadBufferBytes);
            connection = new NpgsqlConnection(settings.ConnectionString);
        }
        catch (ArgumentException exception)
        {
            // The message of a bad connection string can quote it, password included.
            throw new DataflowException($"The connection string of connection '{source.Connection}' is not valid.", exception);
        }

        NpgsqlCommand? command = null;
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // No command timeout (Npgsql's 30 s default would cut a long export short): the task's timeout and the
            // job's cancel reach the query through the token, as a cancel request to the server.
            command = new NpgsqlCommand(source.Query, connection) { CommandTimeout = 0 };
            foreach (var parameter in source.Parameters)
            {
                command.Parameters.AddWithValue(parameter.Name, QueryParameterValues.Bind(parameter, parameters));
            }

            var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleResult, cancellationToken).ConfigureAwait(false);
            try
            {
                return new PostgreSqlRowSource(connection, command, reader, PostgreSqlResultColumns.Match(reader, source.Columns), source, cancellationToken);
            }
            catch
            {
                await reader.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch (Exception exception) when (exception is NpgsqlException && !cancellationToken.IsCancellationRequested)
        {
            await DisposeAsync(connection, command).ConfigureAwait(false);
            throw new DataflowException($"The query of the source failed: {Describe(exception)}", exception);
        }
        catch
        {
            await DisposeAsync(connection, command).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Reads and maps (types, transforms) the rows on a thread of its own, while the caller writes the results of
    /// earlier batches: on two cores that keeps ahead of psql's <c>\copy</c> of the same query.
    /// </summary>
    public IEnumerable<T> ReadRecords<T>(Func<SourceRecord, T> map)
    {
        using var batches = new BlockingCollection<T[]>(BufferedBatches);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken, _stopped.Token);
        var reading = Task.Factory.StartNew(() => ReadBatches(batches, map, linked.Token), linked.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            foreach (var batch in batches.GetConsumingEnumerable(_cancellationToken))
            {
                foreach (var result in batch)
                {
                    yield return result;
                }
            }

            reading.GetAwaiter().GetResult();
        }
        finally
        {
            if (!reading.IsCompleted)
            {
                // Stopped early (too many rejections, a failed write): the server stops sending instead of the reader draining the rest.
                _stopped.Cancel();
                try
                {
                    reading.Wait(CancellationToken.None);
                }
                catch (AggregateException)
                {
                }
            }
        }
    }

    public void Dispose()
    {
        _stopped.Cancel();
        _reader.Dispose();
        _command.Dispose();
        _connection.Dispose();
        _stopped.Dispose();
    }

    /// <summary>Reads and maps the rows in batches. Sync reads: on this path they cost less CPU than async ones.</summary>
    private void ReadBatches<T>(BlockingCollection<T[]> batches, Func<SourceRecord, T> map, CancellationToken cancellationToken)
    {
        using var cancel = cancellationToken.Register(() => _command.Cancel());
        long row = 0;
        try
        {
            var batch = new List<T>(BatchRows);
            while (_reader.Read())
            {
                row++;
                batch.Add(map(new SourceRecord(_typer, new ValueRecord(row, _result.Read(_reader, row), null))));
                if (batch.Count == BatchRows)
                {
                    batches.Add([.. batch], cancellationToken);
                    batch.Clear();
                }
            }

            batches.Add([.. batch], cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException && !cancellationToken.IsCancellationRequested)
        {
            throw new DataflowException($"The query of the source failed after {row} rows: {Describe(exception)}", exception);
        }
        finally
        {
            batches.CompleteAdding();
        }
    }

    private static string Describe(Exception exception) => exception switch
    {
        PostgresException { Position: > 0 } postgres => $"{postgres.SqlState}: {postgres.MessageText} (at character {postgres.Position} of the query)",
        PostgresException postgres => $"{postgres.SqlState}: {postgres.MessageText}",
        _ => exception.Message,
    };

    private static async Task DisposeAsync(NpgsqlConnection connection, NpgsqlCommand? command)
    {
        if (command is not null)
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }

        await connection.DisposeAsync().ConfigureAwait(false);
    }
}
