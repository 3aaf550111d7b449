using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scheduler.Testing;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Jobs.Execution;

/// <summary>Jobs delivered again with the same id, as after a worker process killed between a load's COMMIT and the queue's "succeeded".</summary>
public sealed class WorkerDeathTests(ProductionStackFixture stack) : IClassFixture<ProductionStackFixture>
{
    private const string SigningKey = "worker-death-signing-key-of-at-least-32-characters";

    [Fact]
    public async Task A_job_delivered_again_after_its_worker_died_past_the_commit_does_not_load_the_file_twice()
    {
        const int FirstId = 70_000_000;
        const int Rows = 1_000;
        var environment = stack.ServiceEnvironment(await PostgresServer.Shared.CreateDatabaseAsync("death"), SigningKey);
        environment["Scheduler__InvisibilityTimeout"] = "00:00:10";
        var remote = $"in/{Guid.NewGuid():N}/orders.csv";
        stack.Ftp.WriteFile(remote, JobControlTests.LargeOrdersFile(FirstId, Rows));
        string jobId;
        NpgsqlConnection? steps = null;
        try
        {
            await using var doomed = await RunningServer.StartAsync(environment);
            using var client = await doomed.LoginAsync();

            // A first job makes the orders table (and the ledger), so that the second one's load can be held.
            (await client.WaitForEndAsync(await client.StartAsync("orders-import", Parameter("Variables", "sourceFilePath", stack.UploadOrders()))))
                .Text("status").Should().Be("Completed");

            // The load waits for the orders table until the step table is held too; then it commits, and the worker
            // hangs on recording the step, in the window where a dying worker leaves a committed load behind.
            await using var orders = await stack.HoldAsync(stack.WarehouseDatabase, "orders");
            jobId = await client.StartAsync("orders-import", Parameter("Variables", "sourceFilePath", remote));
            await Eventually.UntilAsync(
                async () => (await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}")) is var d
                    && d.GetProperty("steps").GetArrayLength() > 0 && d.Step("RunDataflow1").Text("status") == "Running",
                $"the load of job {jobId} to run");
            steps = await stack.HoldAsync(environment["ConnectionStrings__Scheduler"], "scheduler.job_steps");
            await orders.CloseAsync();
            await Eventually.UntilAsync(
                async () => await stack.ScalarAsync<long>(stack.WarehouseDatabase, $"SELECT count(*) FROM scheduler_ledger WHERE job_id = '{jobId}'") == 1,
                $"the load of job {jobId} to commit its ledger row");

            // Leaving this block kills the worker (kill -9) before the step table is let go.
        }
        finally
        {
            if (steps is not null)
            {
                await steps.DisposeAsync();
            }
        }

        await using var next = await RunningServer.StartAsync(environment);
        using var again = await next.LoginAsync();
        var details = await again.WaitForEndAsync(jobId);

        details.Text("status").Should().Be("Completed", details.ToString());
        details.Step("RunDataflow1").GetProperty("outputs").GetProperty("rowsWritten").GetInt64().Should().Be(Rows);
        (await stack.ScalarAsync<long>(stack.WarehouseDatabase, $"SELECT count(*) FROM orders WHERE id >= {FirstId} AND id < {FirstId + Rows}")).Should().Be(Rows);
        (await again.GetStringAsync($"/api/jobs/{jobId}/log")).Should().Contain("already loaded by an earlier run of this job");
    }

    [Fact]
    public async Task Each_file_of_a_wildcard_load_delivered_again_is_found_in_the_ledger_and_not_loaded_twice()
    {
        const int FirstId = 80_000_000;
        using var client = await stack.App.LoginAsync();
        var folder = $"in/{Guid.NewGuid():N}";
        stack.Ftp.WriteFile($"{folder}/a.csv", JobControlTests.LargeOrdersFile(FirstId, 3));
        stack.Ftp.WriteFile($"{folder}/b.csv", JobControlTests.LargeOrdersFile(FirstId + 100, 2));
        var name = DefinitionsClient.UniqueName("each-file-once");
        await client.PutWorkflowAsync(JsonNode.Parse($$"""
            {
              "name": "{{name}}",
              "tasks": [
                { "name": "Download", "type": "FileTransfer", "inputs": { "action": "Download", "connection": "OrdersFtp", "remotePath": "{{folder}}/*.csv" } },
                { "name": "Load", "type": "RunDataflow", "inputs": { "dataflow": "orders-to-postgres", "filePath": "${Download.localPaths}" } }
              ]
            }
            """)!.AsObject());
        var jobId = await client.StartAsync(name);
        var first = await client.WaitForEndAsync(jobId);
        first.Text("status").Should().Be("Completed", first.ToString());

        // What Hangfire does when a worker died: the same job, same id, runs again from its first step.
        stack.App.Services.GetRequiredService<IBackgroundJobClient>().Requeue(jobId).Should().BeTrue();
        var again = await WaitForLogAsync(client, jobId, "already loaded by an earlier run of this job", times: 2);
        var details = await client.WaitForEndAsync(jobId);

        details.Text("status").Should().Be("Completed", details.ToString());
        details.Text("finishedAt").Should().NotBe(first.Text("finishedAt"));
        var outputs = details.Step("Load").GetProperty("outputs");
        outputs.GetProperty("filesProcessed").GetInt64().Should().Be(2);
        outputs.GetProperty("rowsWritten").GetInt64().Should().Be(5, "the counts recorded by the first run");
        (await stack.ScalarAsync<long>(stack.WarehouseDatabase, $"SELECT count(*) FROM orders WHERE id >= {FirstId} AND id < {FirstId + 200}")).Should().Be(5);
        again.Should().Contain("a.csv").And.Contain("b.csv");
    }

    [Fact]
    public async Task A_job_delivered_again_shows_its_attempt_and_node_and_its_log_keeps_the_first_attempt()
    {
        using var client = await stack.App.LoginAsync();
        var jobId = await client.StartAsync("orders-import", Parameter("Variables", "sourceFilePath", stack.UploadOrders()));
        var first = await client.WaitForEndAsync(jobId);
        var firstLines = (await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}/log")).GetProperty("lines").EnumerateArray().Select(l => l.ToString()).ToList();
        var node = first.Text("node");
        var servers = stack.App.Services.GetRequiredService<JobStorage>().GetMonitoringApi().Servers().Select(s => s.Name);

        stack.App.Services.GetRequiredService<IBackgroundJobClient>().Requeue(jobId).Should().BeTrue();
        var log = await WaitForLogAsync(client, jobId, "attempt 2 on", times: 1);
        JsonElement again = default;
        await Eventually.UntilAsync(
            async () => (again = await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}")).Text("finishedAt") != first.Text("finishedAt")
                && again.Text("status") is "Completed" or "Failed",
            $"the second attempt of job {jobId} to end",
            () => again.ToString());

        first.GetProperty("attempt").GetInt32().Should().Be(1);
        node.Should().BeOneOf(servers);
        again.GetProperty("attempt").GetInt32().Should().Be(2, again.ToString());
        again.Text("node").Should().Be(node, "one server runs the test's jobs");
        log.Should().Contain($"attempt 2 on {node} after attempt 1 on {node} stopped");
        var lines = (await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}/log")).GetProperty("lines").EnumerateArray().Select(l => l.ToString()).ToList();
        lines.Should().Contain(firstLines).And.HaveCountGreaterThan(firstLines.Count + 1);
    }

    [Fact]
    public async Task A_running_job_whose_worker_died_says_which_step_was_interrupted_and_when_it_runs_again()
    {
        var environment = stack.ServiceEnvironment(await PostgresServer.Shared.CreateDatabaseAsync("interrupted"), SigningKey);
        environment["Scheduler__InvisibilityTimeout"] = "00:00:10";
        await using var web = await RunningServer.StartAsync(new Dictionary<string, string>(environment) { ["Scheduler__Role"] = "Web" });
        using var client = await web.LoginAsync();
        var name = DefinitionsClient.UniqueName("held");
        var lockKey = Random.Shared.NextInt64(1, long.MaxValue);
        await client.PutWorkflowAsync(JsonNode.Parse($$"""
            {
              "name": "{{name}}",
              "tasks": [
                { "name": "Wait", "type": "RunSql", "inputs": { "connection": "Warehouse", "sql": "SELECT pg_advisory_lock({{lockKey}}); SELECT pg_advisory_unlock({{lockKey}})" } }
              ]
            }
            """)!.AsObject());
        await using var held = new NpgsqlConnection(stack.WarehouseDatabase);
        await held.OpenAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({lockKey})", held))
        {
            await take.ExecuteNonQueryAsync();
        }

        string jobId;
        string killedNode;
        await using (var doomed = await RunningServer.StartAsync(new Dictionary<string, string>(environment) { ["Scheduler__Role"] = "Worker" }))
        {
            jobId = await client.StartAsync(name);
            JsonElement running = default;
            await Eventually.UntilAsync(
                async () => (running = await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}")).GetProperty("steps").GetArrayLength() > 0
                    && running.Step("Wait").Text("status") == "Running",
                $"the step of job {jobId} to run",
                () => running.ToString());
            running.GetProperty("interruption").ValueKind.Should().Be(JsonValueKind.Null, "its worker is alive");
            killedNode = running.Text("node")!;

            // Leaving this block kills the worker (kill -9) while the step waits for the lock.
        }

        JsonElement interrupted = default;
        await Eventually.UntilAsync(
            async () => (interrupted = await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}")).GetProperty("interruption").ValueKind == JsonValueKind.Object,
            $"job {jobId} to say its worker stopped heart-beating",
            () => interrupted.ToString());
        interrupted.Text("status").Should().Be("Running", interrupted.ToString());
        interrupted.Step("Wait").Text("status").Should().Be("Interrupted");
        var interruption = interrupted.GetProperty("interruption");
        interruption.Text("node").Should().Be(killedNode);
        (interruption.GetProperty("expectedRedeliveryAt").GetDateTimeOffset() - interruption.GetProperty("lastHeartbeatAt").GetDateTimeOffset())
            .Should().Be(TimeSpan.FromSeconds(10), "the queue hands the job on once it has not heard of it for the invisibility timeout");

        await using var rescuer = await RunningServer.StartAsync(new Dictionary<string, string>(environment) { ["Scheduler__Role"] = "Worker" });
        JsonElement redelivered = default;
        await Eventually.UntilAsync(
            async () => (redelivered = await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}")).GetProperty("attempt").ValueKind == JsonValueKind.Number
                && redelivered.GetProperty("attempt").GetInt32() == 2,
            $"job {jobId} to be delivered again",
            () => redelivered.ToString());
        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({lockKey})", held))
        {
            await release.ExecuteNonQueryAsync();
        }

        var details = await client.WaitForEndAsync(jobId);

        details.Text("status").Should().Be("Completed", details.ToString());
        details.GetProperty("attempt").GetInt32().Should().Be(2);
        details.Text("node").Should().NotBe(killedNode);
        details.GetProperty("interruption").ValueKind.Should().Be(JsonValueKind.Null);
        (await client.GetStringAsync($"/api/jobs/{jobId}/log")).Should().Contain($"attempt 2 on {details.Text("node")} after attempt 1 on {killedNode} stopped");
    }

    /// <summary>Polls the job's log until <paramref name="text"/> is in it <paramref name="times"/> times, and returns the log.</summary>
    private static async Task<string> WaitForLogAsync(HttpClient client, string jobId, string text, int times)
    {
        var log = "";
        await Eventually.UntilAsync(
            async () =>
            {
                log = await client.GetStringAsync($"/api/jobs/{jobId}/log");
                return log.Split(text).Length - 1 >= times;
            },
            $"'{text}' {times} time(s) in the log of job {jobId}",
            () => log);
        return log;
    }
}
