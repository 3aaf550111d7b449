using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scheduler.Testing;
using Scheduler.Web.Jobs.Execution;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Jobs;

/// <summary>
/// A run request sent again with its <c>Idempotency-Key</c> after the Web node died while making the job (a process
/// killed with kill -9 while a lock on one of Hangfire's tables holds the request at a chosen point), one key sent to
/// two nodes at once, and a request so slow that its claim was taken over: the client always gets an answer, and there
/// is never a second job.
/// </summary>
public sealed class IdempotencyKeyCrashTests(ProductionStackFixture stack) : IClassFixture<ProductionStackFixture>
{
    private const string SigningKey = "idempotency-crash-signing-key-of-at-least-32-characters";

    [Fact]
    public async Task A_retry_after_the_node_died_between_claiming_the_key_and_making_the_job_takes_the_claim_over_and_makes_one_job()
    {
        var environment = stack.ServiceEnvironment(await PostgresServer.Shared.CreateDatabaseAsync("claimed"), SigningKey);
        var database = environment["ConnectionStrings__Scheduler"];
        var (key, remote) = (Guid.NewGuid().ToString(), stack.UploadOrders());

        // Hangfire cannot insert the job's row: the request stops after its claim, before any job exists.
        var lost = await KillWhileHeldAsync(environment, "hangfire.job", key, remote, $"SELECT count(*) = 1 FROM scheduler.idempotency_keys WHERE key = '{key}'");

        await using var next = await RunningServer.StartAsync(environment);
        using var client = await next.LoginAsync();
        using var tooSoon = await client.RunWithKeyAsync(key, "orders-import", Parameter("Variables", "sourceFilePath", remote));

        // The minute after which a claim without a job is taken over passes, as the database's clock sees it.
        await stack.ExecuteAsync(database, $"UPDATE scheduler.idempotency_keys SET created_at = created_at - interval '61 seconds' WHERE key = '{key}'");
        using var retried = await client.RunWithKeyAsync(key, "orders-import", Parameter("Variables", "sourceFilePath", remote));
        using var again = await client.RunWithKeyAsync(key, "orders-import", Parameter("Variables", "sourceFilePath", remote));

        lost.Should().BeAssignableTo<HttpRequestException>("the node died before it answered");
        tooSoon.StatusCode.Should().Be(HttpStatusCode.Conflict, "the claim may still belong to a live request");
        (await tooSoon.Content.ReadAsStringAsync()).Should().Contain("still being processed");
        tooSoon.Headers.RetryAfter!.Delta.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(5));
        retried.StatusCode.Should().Be(HttpStatusCode.Accepted, await retried.Content.ReadAsStringAsync());
        var jobId = (await retried.Content.ReadFromJsonAsync<JsonElement>()).Text("jobId")!;
        again.StatusCode.Should().Be(HttpStatusCode.OK);
        (await again.Content.ReadFromJsonAsync<JsonElement>()).Text("jobId").Should().Be(jobId);
        (await client.WaitForEndAsync(jobId)).Text("status").Should().Be("Completed");
        (await stack.ScalarAsync<long>(database, $"SELECT count(*) FROM hangfire.job WHERE arguments::text LIKE '%{Folder(remote)}%'")).Should().Be(1);
        (await stack.ScalarAsync<long>(database, $"SELECT count(*) FROM scheduler.job_runs WHERE parameters::text LIKE '%{Folder(remote)}%'")).Should().Be(1);
    }

    [Fact]
    public async Task A_retry_after_the_node_died_once_the_job_was_recorded_gets_that_job_and_the_reconciler_runs_it()
    {
        var environment = stack.ServiceEnvironment(await PostgresServer.Shared.CreateDatabaseAsync("recorded"), SigningKey);
        var database = environment["ConnectionStrings__Scheduler"];
        var (key, remote) = (Guid.NewGuid().ToString(), stack.UploadOrders());

        // The job's record, and with it the key, is written while Hangfire elects the job's first state; committing
        // that state is held, so the node dies with a job recorded and not yet answered for.
        var lost = await KillWhileHeldAsync(environment, "hangfire.state", key, remote, $"SELECT count(*) = 1 FROM scheduler.idempotency_keys WHERE key = '{key}' AND job_id IS NOT NULL");
        var recorded = await stack.ScalarAsync<string>(database, $"SELECT job_id FROM scheduler.idempotency_keys WHERE key = '{key}'");
        var stateless = await stack.ScalarAsync<bool>(database, $"SELECT stateid IS NULL FROM hangfire.job WHERE id = {recorded}");

        // The reconciler leaves a job row younger than a minute alone (it may still be being created); a minute passes.
        await stack.ExecuteAsync(database, $"UPDATE hangfire.job SET createdat = createdat - interval '2 minutes' WHERE id = {recorded}");
        await using var next = await RunningServer.StartAsync(environment);
        using var client = await next.LoginAsync();
        using var retried = await client.RunWithKeyAsync(key, "orders-import", Parameter("Variables", "sourceFilePath", remote));

        lost.Should().BeAssignableTo<HttpRequestException>("the node died before it answered");
        retried.StatusCode.Should().Be(HttpStatusCode.OK, await retried.Content.ReadAsStringAsync());
        (await retried.Content.ReadFromJsonAsync<JsonElement>()).Text("jobId").Should().Be(recorded);
        stateless.Should().BeTrue("the node died before Hangfire committed the job's first state");
        (await client.WaitForEndAsync(recorded)).Text("status").Should().Be("Completed");
        (await stack.ScalarAsync<long>(database, $"SELECT count(*) FROM hangfire.job WHERE arguments::text LIKE '%{Folder(remote)}%'")).Should().Be(1);
        (await stack.ScalarAsync<long>(database, $"SELECT count(*) FROM scheduler.job_runs WHERE parameters::text LIKE '%{Folder(remote)}%'")).Should().Be(1);
    }

    [Fact]
    public async Task Requests_with_one_key_racing_on_two_nodes_make_exactly_one_job_also_when_they_take_over_a_dead_claim()
    {
        var environment = stack.ServiceEnvironment(stack.SchedulerDatabase, SigningKey);
        environment["Scheduler__Role"] = "Web";
        await using var other = await RunningServer.StartAsync(environment);
        using var here = await stack.App.LoginAsync();
        using var there = await other.LoginAsync();

        foreach (var deadClaim in new[] { false, true })
        {
            var (key, remote) = (Guid.NewGuid().ToString(), stack.UploadOrders());
            if (deadClaim)
            {
                // What a node that died a minute ago, right after claiming the key, leaves behind.
                await stack.ExecuteAsync(stack.SchedulerDatabase, $"""
                    INSERT INTO scheduler.idempotency_keys (key, request_hash, claim, created_at)
                    VALUES ('{key}', 'left-by-a-dead-node', gen_random_uuid(), now() - interval '61 seconds')
                    """);
            }

            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
                (i % 2 == 0 ? here : there).RunWithKeyAsync(key, "orders-import", Parameter("Variables", "sourceFilePath", remote))));
            var ids = await Task.WhenAll(answers.Select(async a => (await a.Content.ReadFromJsonAsync<JsonElement>()).Text("jobId")));

            answers.Select(a => a.StatusCode).Should().OnlyContain(s => s == HttpStatusCode.Accepted || s == HttpStatusCode.OK, $"dead claim: {deadClaim}");
            answers.Count(a => a.StatusCode == HttpStatusCode.Accepted).Should().Be(1);
            ids.Distinct().Should().ContainSingle();
            (await stack.ScalarAsync<long>(stack.SchedulerDatabase, $"SELECT count(*) FROM scheduler.job_runs WHERE parameters::text LIKE '%{Folder(remote)}%'")).Should().Be(1);
            (await stack.ScalarAsync<string>(stack.SchedulerDatabase, $"SELECT job_id FROM scheduler.idempotency_keys WHERE key = '{key}'")).Should().Be(ids[0]);
        }
    }

    [Fact]
    public async Task A_request_slower_than_the_claim_limit_makes_no_job_and_answers_with_the_job_of_the_request_that_took_its_key_over()
    {
        using var client = await stack.App.LoginAsync();
        var (key, remote) = (Guid.NewGuid().ToString(), stack.UploadOrders());
        Task<HttpResponseMessage> slow, taker;
        await using (await stack.HoldAsync(stack.SchedulerDatabase, "hangfire.job"))
        {
            slow = client.RunWithKeyAsync(key, "orders-import", Parameter("Variables", "sourceFilePath", remote));
            await Eventually.UntilAsync(
                async () => await stack.ScalarAsync<bool>(stack.SchedulerDatabase, $"SELECT count(*) = 1 FROM scheduler.idempotency_keys WHERE key = '{key}'"),
                "the slow request to claim its key");
            await stack.ExecuteAsync(stack.SchedulerDatabase, $"UPDATE scheduler.idempotency_keys SET created_at = created_at - interval '61 seconds' WHERE key = '{key}'");
            taker = client.RunWithKeyAsync(key, "orders-import", Parameter("Variables", "sourceFilePath", remote));
            await Eventually.UntilAsync(
                async () => await stack.ScalarAsync<bool>(stack.SchedulerDatabase, $"SELECT created_at > now() - interval '30 seconds' FROM scheduler.idempotency_keys WHERE key = '{key}'"),
                "the second request to take the claim over");

            // Both now wait to insert their Hangfire job; letting go of the table lets them race for the record.
        }

        using var slowAnswer = await slow;
        using var takerAnswer = await taker;

        takerAnswer.StatusCode.Should().Be(HttpStatusCode.Accepted, await takerAnswer.Content.ReadAsStringAsync());
        var jobId = (await takerAnswer.Content.ReadFromJsonAsync<JsonElement>()).Text("jobId");
        slowAnswer.StatusCode.Should().Be(HttpStatusCode.OK, await slowAnswer.Content.ReadAsStringAsync());
        (await slowAnswer.Content.ReadFromJsonAsync<JsonElement>()).Text("jobId").Should().Be(jobId);
        (await stack.ScalarAsync<long>(stack.SchedulerDatabase, $"SELECT count(*) FROM scheduler.job_runs WHERE parameters::text LIKE '%{Folder(remote)}%'")).Should().Be(1);
        (await stack.ScalarAsync<long>(stack.SchedulerDatabase, $"SELECT count(*) FROM hangfire.job WHERE arguments::text LIKE '%{Folder(remote)}%'"))
            .Should().Be(2, "the slow request got as far as Hangfire's job row before its record was refused");
        (await stack.ScalarAsync<long>(stack.SchedulerDatabase, $"SELECT count(*) FROM hangfire.job WHERE arguments::text LIKE '%{Folder(remote)}%' AND stateid IS NOT NULL"))
            .Should().Be(1, "the slow request's job row is left without a state, which never runs");

        // A minute later the reconciler marks that row Failed, visibly, and says why.
        await stack.ExecuteAsync(stack.SchedulerDatabase, $"UPDATE hangfire.job SET createdat = createdat - interval '2 minutes' WHERE arguments::text LIKE '%{Folder(remote)}%' AND stateid IS NULL");
        await stack.App.Services.GetRequiredService<JobReconciler>().ReconcileAsync(CancellationToken.None);
        var failed = await stack.ScalarAsync<string>(stack.SchedulerDatabase, $"SELECT error FROM scheduler.job_runs WHERE parameters::text LIKE '%{Folder(remote)}%' AND job_id <> '{jobId}'");
        failed.Should().Contain("took the key over").And.Contain($"made job {jobId}");
    }

    // The folder of its own that each uploaded file has, which its job's arguments and record show.
    private static string Folder(string remote) => remote.Split('/')[1];

    /// <summary>
    /// Starts a node, sends the run request with <paramref name="key"/> while <paramref name="table"/> is held, and
    /// kills the node once <paramref name="reached"/> holds; returns what the client got instead of an answer.
    /// </summary>
    private async Task<Exception?> KillWhileHeldAsync(Dictionary<string, string> environment, string table, string key, string remote, string reached)
    {
        var database = environment["ConnectionStrings__Scheduler"];
        NpgsqlConnection? held = null;
        HttpClient? client = null;
        Task<HttpResponseMessage> request;
        try
        {
            await using var doomed = await RunningServer.StartAsync(environment);
            client = await doomed.LoginAsync();
            held = await stack.HoldAsync(database, table);
            request = client.RunWithKeyAsync(key, "orders-import", Parameter("Variables", "sourceFilePath", remote));
            await Eventually.UntilAsync(async () => await stack.ScalarAsync<bool>(database, reached), $"the request with key {key} to get past its claim");

            // Leaving this block kills the node (kill -9) while the table is still held.
        }
        finally
        {
            if (held is not null)
            {
                // A statement the node had sent runs on once it gets the table, and one that commits on its own (a
                // state change) would commit without its client. What a node leaves that died before its statement
                // got through is what these tests are about: the dead node's sessions end with it (this test's
                // database has no other user but the holder).
                await stack.ExecuteAsync(database, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), {held.ProcessID})");
                await held.DisposeAsync();
            }
        }

        var lost = await Record.ExceptionAsync(() => request);
        client?.Dispose();
        return lost;
    }
}
