using Npgsql;
using NpgsqlTypes;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Destinations;

/// <summary>
/// Loads rows with binary COPY inside one transaction that also holds the mode's statements (CREATE TABLE, TRUNCATE,
/// the swap of a replacement table, the upsert from a staging table), so a run leaves all of its rows or nothing.
/// With a <see cref="LoadIdentity"/>, the same transaction records the load in the <see cref="PostgreSqlLoadLedger"/>.
/// </summary>
internal sealed class PostgreSqlDestination : IRowDestination
{
    private const int CopyWriteBufferBytes = 256 * 1024;

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly NpgsqlBinaryImporter _importer;
    private readonly TableName _table;
    private readonly PostgreSqlLoadSteps _steps;
    private readonly PostgreSqlLoadLedger? _ledger;
    private readonly ColumnType[] _types;
    private readonly NpgsqlDbType[] _dbTypes;
    private bool _completed;

    private PostgreSqlDestination(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        NpgsqlBinaryImporter importer,
        TableName table,
        PostgreSqlLoadSteps steps,
        PostgreSqlLoadLedger? ledger,
        string description,
        IReadOnlyList<ColumnDefinition> columns)
    {
        _connection = connection;
        _transaction = transaction;
        _importer = importer;
        _table = table;
        _steps = steps;
        _ledger = ledger;
        _types = [.. columns.Select(c => c.Type)];
        _dbTypes = [.. columns.Select(c => PostgreSqlTableSchema.DbType(c.Type))];
        Description = description;
    }

    public string Description { get; }

    /// <summary>What an earlier run with the identity <paramref name="load"/> recorded, or null when none loaded it.</summary>
    public static async Task<DataflowResult?> FindEarlierLoadAsync(
        DestinationDefinition destination, IDatabaseConnections connections, LoadIdentity load, CancellationToken cancellationToken)
    {
        var (connectionName, table) = Target(destination);
        await using var connection = await ConnectAsync(connections, connectionName, cancellationToken);
        var ledger = await OpenLedgerAsync(connection, table, load, cancellationToken);
        return await Guard(() => ledger.FindAsync(connection, cancellationToken), $"Cannot read the load ledger for table '{table}'", cancellationToken);
    }

    public static async Task<PostgreSqlDestination> OpenAsync(
        DestinationDefinition destination, IReadOnlyList<ColumnDefinition> columns, IDatabaseConnections connections, LoadIdentity? load, CancellationToken cancellationToken)
    {
        var (connectionName, table) = Target(destination);
        var connection = await ConnectAsync(connections, connectionName, cancellationToken);
        NpgsqlTransaction? transaction = null;
        try
        {
            var ledger = load is null ? null : await OpenLedgerAsync(connection, table, load, cancellationToken);
            transaction = await connection.BeginTransactionAsync(cancellationToken);
            var schema = await FindSchemaAsync(connection, transaction, table, cancellationToken);
            if (schema is null && !destination.CreateTable)
            {
                throw new DataflowException(
                    $"Table '{table}' does not exist in the database of connection '{connectionName}'. Create it, or set createTable to true.");
            }

            var steps = PostgreSqlLoadSteps.For(destination, table, schema, columns);
            foreach (var sql in steps.Before)
            {
                await ExecuteAsync(connection, transaction, sql, $"Cannot prepare table '{table}' for mode {destination.Mode}", cancellationToken);
            }

            var importer = await Guard(
                    () => connection.BeginBinaryImportAsync(PostgreSqlTableSchema.CopySql(steps.CopyInto, columns), cancellationToken),
                    $"Cannot load into table '{table}'",
                    cancellationToken);
            var description = $"PostgreSQL table {table} (connection {connectionName}, mode {destination.Mode})";
            return new PostgreSqlDestination(connection, transaction, importer, table, steps, ledger, description, columns);
        }
        catch
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }

            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask WriteAsync(object?[] values, CancellationToken cancellationToken)
    {
        try
        {
            // Npgsql completes a write at once unless its buffer must go to the server: awaiting only then saves the
            // cost of an await per value, which the loader pays millions of times.
            var write = _importer.StartRowAsync(cancellationToken);
            if (!write.IsCompletedSuccessfully)
            {
                await write;
            }

            for (var i = 0; i < _types.Length; i++)
            {
                write = WriteValueAsync(values[i], i, cancellationToken);
                if (!write.IsCompletedSuccessfully)
                {
                    await write;
                }
            }
        }
        catch (NpgsqlException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw LoadFailed(exception);
        }
    }

    public async Task<string?> CompleteAsync(DataflowResult counts, CancellationToken cancellationToken)
    {
        try
        {
            await _importer.CompleteAsync(cancellationToken);
            await _importer.DisposeAsync();
            foreach (var sql in _steps.After)
            {
                await using var command = new NpgsqlCommand(sql, _connection, _transaction);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            if (_ledger is not null)
            {
                await _ledger.RecordAsync(_connection, _transaction, _table, counts, cancellationToken);
            }
        }
        catch (NpgsqlException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw LoadFailed(exception);
        }

        // The one point where a cancel decides: asked for before it, everything rolls back; past it, the COMMIT runs
        // to its end without the token (cancelling a COMMIT in flight leaves unknown whether it happened), and the
        // step reports the rows it committed.
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await _transaction.CommitAsync(CancellationToken.None);
        }
        catch (NpgsqlException exception)
        {
            throw LoadFailed(exception);
        }

        _completed = true;
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            try
            {
                // Disposing an importer that was not completed cancels the COPY; the rollback then removes the rest.
                await _importer.DisposeAsync();
            }
            catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or OperationCanceledException)
            {
                // The connection may be broken (that may be why we are here); closing it rolls back on the server.
            }
        }

        try
        {
            await _transaction.DisposeAsync();
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            // As above: a broken connection cannot roll back, and the server already has.
        }

        await _connection.DisposeAsync();
    }

    private DataflowException LoadFailed(NpgsqlException exception) => exception is PostgresException postgres
        ? new DataflowException($"PostgreSQL refused the rows for table '{_table}': {postgres.MessageText}; nothing was loaded.", exception)
        : new DataflowException($"The connection to PostgreSQL broke while loading table '{_table}': {exception.Message}; nothing was loaded.", exception);

    private Task WriteValueAsync(object? value, int index, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            return _importer.WriteNullAsync(cancellationToken);
        }

        var dbType = _dbTypes[index];
        return _types[index] switch
        {
            ColumnType.String => _importer.WriteAsync((string)value, dbType, cancellationToken),
            ColumnType.Int => _importer.WriteAsync((int)value, dbType, cancellationToken),
            ColumnType.Long => _importer.WriteAsync((long)value, dbType, cancellationToken),
            ColumnType.Decimal => _importer.WriteAsync((decimal)value, dbType, cancellationToken),
            ColumnType.Double => _importer.WriteAsync((double)value, dbType, cancellationToken),
            ColumnType.Bool => _importer.WriteAsync((bool)value, dbType, cancellationToken),
            ColumnType.Date => _importer.WriteAsync((DateOnly)value, dbType, cancellationToken),
            ColumnType.Timestamp => _importer.WriteAsync((DateTime)value, dbType, cancellationToken),
            // Npgsql writes timestamptz only from offset 0; the instant is the same.
            ColumnType.TimestampWithOffset => _importer.WriteAsync(((DateTimeOffset)value).ToUniversalTime(), dbType, cancellationToken),
            ColumnType.Guid => _importer.WriteAsync((Guid)value, dbType, cancellationToken),
            _ => throw new InvalidOperationException($"No PostgreSQL mapping for column type {_types[index]}."),
        };
    }

    private static (string ConnectionName, TableName Table) Target(DestinationDefinition destination)
    {
        var connectionName = destination.Connection
            ?? throw new DataflowException("The PostgreSql destination has no connection name.");
        return TableName.TryParse(destination.Table ?? "", out var table, out var tableError)
            ? (connectionName, table)
            : throw new DataflowException(tableError);
    }

    private static Task<PostgreSqlLoadLedger> OpenLedgerAsync(NpgsqlConnection connection, TableName table, LoadIdentity load, CancellationToken cancellationToken) =>
        Guard(() => PostgreSqlLoadLedger.OpenAsync(connection, table, load, cancellationToken), $"Cannot use the load ledger for table '{table}'", cancellationToken);

    private static async Task<NpgsqlConnection> ConnectAsync(IDatabaseConnections connections, string connectionName, CancellationToken cancellationToken)
    {
        var connectionString = connections.GetPostgreSqlConnectionString(connectionName);
        NpgsqlConnection connection;
        try
        {
            var settings = new NpgsqlConnectionStringBuilder(connectionString);
            // The whole file goes through this buffer. At Npgsql's default of 8 KiB, sending it (a system call and, for an
            // async write, a timeout timer started and stopped) took a third of the loader's CPU; a larger one sends far less often.
            settings.WriteBufferSize = Math.Max(settings.WriteBufferSize, CopyWriteBufferBytes);
            connection = new NpgsqlConnection(settings.ConnectionString);
        }
        catch (ArgumentException exception)
        {
            // The message of a bad connection string can quote it, password included.
            throw new DataflowException($"The connection string of connection '{connectionName}' is not valid.", exception);
        }

        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync();
            throw new DataflowException($"Cannot connect to PostgreSQL connection '{connectionName}': {exception.Message}", exception);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The schema holding the table the name resolves to (through search_path when unqualified), or null.</summary>
    private static async Task<string?> FindSchemaAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TableName table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(@name)", connection, transaction);
        command.Parameters.AddWithValue("name", table.Sql);
        return await Guard(
                async () => (string?)await command.ExecuteScalarAsync(cancellationToken),
                $"Cannot look up table '{table}'",
                cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, string failure, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await Guard(() => command.ExecuteNonQueryAsync(cancellationToken), failure, cancellationToken);
    }

    private static async Task<T> Guard<T>(Func<Task<T>> action, string failure, CancellationToken cancellationToken)
    {
        try
        {
            return await action();
        }
        catch (PostgresException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DataflowException($"{failure}: {exception.MessageText}", exception);
        }
    }
}
