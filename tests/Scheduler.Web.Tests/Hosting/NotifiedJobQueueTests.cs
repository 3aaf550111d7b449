using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Hangfire.Logging;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;
using Scheduler.Testing;
using Scheduler.Web.Hosting;

namespace Scheduler.Web.Tests.Hosting;

/// <summary>An idle worker waits out an outage of the database in the dequeue, not in Hangfire's growing back-off.</summary>
public sealed class NotifiedJobQueueTests
{
    [Fact]
    public async Task An_idle_worker_asking_while_the_database_is_away_takes_the_queued_job_once_it_is_back()
    {
        // No service runs here: Hangfire's process-wide log provider would be the one of an earlier test's host, disposed.
        LogProvider.SetCurrentLogProvider(null);
        var database = await PostgresServer.Shared.CreateDatabaseAsync("outage");
        var options = new PostgreSqlStorageOptions { SchemaName = StorageSetup.HangfireSchema, PrepareSchemaIfNecessary = true, UseSlidingInvisibilityTimeout = false };
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(database, options), options);
        var jobId = await QueueJobAsync(database);

        // The worker reaches the database through a port where nothing listens yet: every connection is refused, as
        // while PostgreSQL restarts.
        var target = new NpgsqlConnectionStringBuilder(database);
        var port = ServerProcess.FreePort();
        var throughPort = new NpgsqlConnectionStringBuilder(database) { Host = "127.0.0.1", Port = port }.ConnectionString;
        var queue = new NotifiedJobQueue(storage, options, throughPort, listener: null);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var dequeue = Task.Run(() => queue.Dequeue(["default"], stop.Token));
        try
        {
            await Task.Delay(NotifiedJobQueue.OutageRetry * 3);
            dequeue.IsCompleted.Should().BeFalse("a worker that finds the database away keeps asking instead of failing (it got: {0})", dequeue.Exception?.InnerException?.Message);

            await using var back = Forwarder.Start(port, target.Host!, target.Port);
            using var fetched = await dequeue;

            fetched.JobId.Should().Be(jobId, "the job queued during the outage is taken once the database answers");
        }
        finally
        {
            await stop.CancelAsync();
            NpgsqlConnection.ClearPool(new NpgsqlConnection(throughPort));
        }
    }

    private static async Task<string> QueueJobAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($$"""
            WITH job AS (INSERT INTO {{StorageSetup.HangfireSchema}}.job (invocationdata, arguments, createdat) VALUES ('{}', '[]', now()) RETURNING id)
            INSERT INTO {{StorageSetup.HangfireSchema}}.jobqueue (jobid, queue) SELECT id, 'default' FROM job RETURNING jobid
            """, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture)!;
    }

    /// <summary>A port that passes every connection on to the database: the database being back.</summary>
    private sealed class Forwarder : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        private Forwarder(TcpListener listener, string host, int port)
        {
            _listener = listener;
            _accepting = AcceptAsync(host, port);
        }

        public static Forwarder Start(int port, string host, int targetPort)
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return new Forwarder(listener, host, targetPort);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
        }

        private async Task AcceptAsync(string host, int port)
        {
            var pipes = new List<Task>();
            try
            {
                while (true)
                {
                    pipes.Add(PipeAsync(await _listener.AcceptTcpClientAsync(_stop.Token), host, port));
                }
            }
            catch (OperationCanceledException)
            {
                await Task.WhenAll(pipes);
            }
        }

        private async Task PipeAsync(TcpClient client, string host, int port)
        {
            using (client)
            using (var server = new TcpClient())
            {
                try
                {
                    await server.ConnectAsync(host, port, _stop.Token);
                    var (fromClient, fromServer) = (client.GetStream(), server.GetStream());
                    await Task.WhenAny(fromClient.CopyToAsync(fromServer, _stop.Token), fromServer.CopyToAsync(fromClient, _stop.Token));
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
                {
                    // The test is over or a side closed: the connection ends as a cut one does.
                }
            }
        }
    }
}
