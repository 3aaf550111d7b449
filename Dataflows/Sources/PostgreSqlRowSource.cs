using System.Collections.Concurrent;
using System.Data;
using Npgsql;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Sources;

/// <summary>
/// Reads the rows of a query on a PostgreSql connection. The query's parameters are bound (never written into its
/// text) and its rows are read one by one in Npgsql's binary format, so memory does not grow with the result.
/// </summary>
/// <remarks>
/// Not <c>COPY (query) TO STDOUT (FORMAT BINARY)</c>: a COPY cannot take parameters, and on the same query and
/// machine reading its rows was slower than a data reader's (docs/measurements.md).
/// </remarks>
internal sealed class PostgreSqlRowSource : IRowSource
{
    private const int ReadBufferBytes = 256 * 1024;
    private const int BatchRows = 512;
    private const int BatchesAhead = 8;

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlCommand _command;
    private readonly NpgsqlDataReader _reader;
    private readonly PostgreSqlResultColumns _result;
    private readonly ValueRecordTyper _typer;
    private readonly CancellationToken _cancellationToken;
    private bool _finished;

    private PostgreSqlRowSource(
        NpgsqlConnection connection, NpgsqlCommand command, NpgsqlDataReader reader, PostgreSqlResultColumns result, SourceDefinition source, CancellationToken cancellationToken)
    {
        _connection = connection;
        _command = command;
        _reader = reader;
        _result = result;
        // A value read as its column's declared type stays the same object when typed (a text may become null when
        // empty, which a rejection shows the same): the typing can write into the row the reading made, instead of a
        // copy. Null texts ("NULL" as null) would change what a rejection shows.
        _typer = new ValueRecordTyper(source, result.Columns, typesInPlace: result.ReadAsDeclared && source.NullValues.Count == 0);
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
            await connection.OpenAsync(cancellationToken);

            // No command timeout (Npgsql's 30 s default would cut a long export short): the task's timeout and the
            // job's cancel reach the query through the token, as a cancel request to the server.
            command = new NpgsqlCommand(source.Query, connection) { CommandTimeout = 0 };
            foreach (var parameter in source.Parameters)
            {
                command.Parameters.AddWithValue(parameter.Name, QueryParameterValues.Bind(parameter, parameters));
            }

            var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleResult, cancellationToken);
            try
            {
                return new PostgreSqlRowSource(connection, command, reader, PostgreSqlResultColumns.Match(reader, source.Columns), source, cancellationToken);
            }
            catch
            {
                await reader.DisposeAsync();
                throw;
            }
        }
        catch (Exception exception) when (exception is NpgsqlException && !cancellationToken.IsCancellationRequested)
        {
            await DisposeAsync(connection, command);
            throw new DataflowException($"The query of the source failed: {Describe(exception)}", exception);
        }
        catch
        {
            await DisposeAsync(connection, command);
            throw;
        }
    }

    /// <summary>
    /// Reads the rows on a thread of its own, <see cref="BatchRows"/> at a time, while the caller maps and writes the
    /// batches before: on two cores reading (Npgsql decoding the rows) and typing and writing them then overlap, which
    /// one thread doing all could not do (docs/measurements.md). At most <see cref="BatchesAhead"/> batches wait.
    /// </summary>
    public IEnumerable<T> ReadRecords<T>(Func<SourceRecord, T> map)
    {
        // The token reaches the server as a cancel request for the running query.
        using var cancel = _cancellationToken.Register(_command.Cancel);
        using var stop = new CancellationTokenSource();
        using var batches = new BlockingCollection<ValueRecord[]>(BatchesAhead);
        var reading = Task.Factory.StartNew(() => ReadBatches(batches, stop.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            foreach (var batch in batches.GetConsumingEnumerable())
            {
                foreach (var record in batch)
                {
                    yield return map(new SourceRecord(_typer, record));
                }
            }

            // Rethrows what ended the reading early (a failed query, a cancelled run) as it was thrown.
#pragma warning disable RS0030 // The reading runs on a thread of its own and has ended its batches: the wait needs no pool thread.
            reading.GetAwaiter().GetResult();
#pragma warning restore RS0030
            _finished = true;
        }
        finally
        {
            if (!reading.IsCompleted)
            {
                // The caller stopped early: the reading thread stops before the reader it uses is disposed.
                stop.Cancel();
                _command.Cancel();
                ((IAsyncResult)reading).AsyncWaitHandle.WaitOne();
            }
        }
    }

    private void ReadBatches(BlockingCollection<ValueRecord[]> batches, CancellationToken stop)
    {
        try
        {
            var batch = new ValueRecord[BatchRows];
            var count = 0;
            long row = 0;
            while (ReadRow(row))
            {
                row++;
                batch[count++] = new ValueRecord(row, _result.Read(_reader, row), null);
                if (count == BatchRows)
                {
                    batches.Add(batch, stop);
                    batch = new ValueRecord[BatchRows];
                    count = 0;
                }
            }

            if (count > 0)
            {
                batches.Add(batch[..count], stop);
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // The caller stopped reading and cancelled the query: nobody waits for the rest, nor for how it ended.
        }
        finally
        {
            batches.CompleteAdding();
        }
    }

    public void Dispose()
    {
        if (!_finished)
        {
            // Stopped early (too many rejections, a failed write): the server stops the query instead of the reader draining the rest.
            _command.Cancel();
        }

        _reader.Dispose();
        _command.Dispose();
        _connection.Dispose();
    }

    private bool ReadRow(long rowsRead)
    {
        try
        {
            return _reader.Read();
        }
        catch (NpgsqlException exception) when (_cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The run was cancelled; the query was cancelled on the server.", exception, _cancellationToken);
        }
        catch (NpgsqlException exception)
        {
            throw new DataflowException($"The query of the source failed after {rowsRead} rows: {Describe(exception)}", exception);
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
            await command.DisposeAsync();
        }

        await connection.DisposeAsync();
    }
}
