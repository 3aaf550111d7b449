using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Storage;

namespace Scheduler.Workflows.Tests.Storage;

/// <summary>
/// Idempotency keys and the job records that complete them, both stores: one claim at a time, the key completed in the
/// record's own write, and a claim that a dead request left without a job taken over after the limit, by exactly one.
/// </summary>
public sealed class IdempotencyKeysTests(JobRunDatabase database) : IClassFixture<JobRunDatabase>
{
    private static readonly DateTimeOffset Created = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly string _key = $"key-{Guid.NewGuid():N}";

    public static TheoryData<string> Stores => ["PostgreSql", "InMemory"];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Concurrent_claims_of_one_key_let_exactly_one_request_through_and_its_record_completes_the_key(string store)
    {
        var (keys, runs, _) = Open(store);

        var claims = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => keys.ClaimAsync(_key, "hash-a", CancellationToken.None))));
        var winner = claims.Single(c => c.Claimed);
        var recorded = runs.CreateClaimed(Run(Id("job-a")), _key, winner.Token);
        var later = await keys.ClaimAsync(_key, "hash-b", CancellationToken.None);

        claims.Count(c => c.Claimed).Should().Be(1);
        claims.Where(c => !c.Claimed).Should().OnlyContain(c => c.RequestHash == "hash-a" && c.Age < IdempotencyClaim.PendingLimit);
        recorded.Should().BeTrue();
        (await runs.FindAsync(Id("job-a"), CancellationToken.None)).Should().NotBeNull();
        (later.Claimed, later.RequestHash, later.JobId).Should().Be((false, "hash-a", Id("job-a")));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_claim_left_without_a_job_past_the_limit_is_taken_over_by_exactly_one_of_concurrent_requests(string store)
    {
        var (keys, _, age) = Open(store);
        var dead = await keys.ClaimAsync(_key, "hash-dead", CancellationToken.None);
        var tooSoon = await keys.ClaimAsync(_key, "hash-a", CancellationToken.None);

        await age(_key);
        var claims = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => keys.ClaimAsync(_key, "hash-a", CancellationToken.None))));

        dead.Claimed.Should().BeTrue();
        (tooSoon.Claimed, tooSoon.RequestHash).Should().Be((false, "hash-dead"), "a claim younger than the limit may belong to a live request");
        claims.Count(c => c.Claimed).Should().Be(1);
        claims.Single(c => c.Claimed).Token.Should().NotBe(dead.Token);
        (await keys.FindAsync(_key, CancellationToken.None))!.RequestHash.Should().Be("hash-a");
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_request_whose_claim_was_taken_over_can_neither_record_its_job_nor_release_the_key(string store)
    {
        var (keys, runs, age) = Open(store);
        var slow = await keys.ClaimAsync(_key, "hash", CancellationToken.None);
        await age(_key);
        var taker = await keys.ClaimAsync(_key, "hash", CancellationToken.None);

        var slowRecorded = runs.CreateClaimed(Run(Id("job-slow")), _key, slow.Token);
        await keys.ReleaseAsync(_key, slow.Token, CancellationToken.None);
        var stillPending = await keys.FindAsync(_key, CancellationToken.None);
        var takerRecorded = runs.CreateClaimed(Run(Id("job-taker")), _key, taker.Token);

        taker.Claimed.Should().BeTrue();
        slowRecorded.Should().BeFalse();
        (await runs.FindAsync(Id("job-slow"), CancellationToken.None)).Should().BeNull("no record may exist without its key leading to it");
        stillPending.Should().NotBeNull();
        stillPending!.JobId.Should().BeNull();
        takerRecorded.Should().BeTrue();
        (await keys.FindAsync(_key, CancellationToken.None))!.JobId.Should().Be(Id("job-taker"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_released_key_can_be_claimed_again_but_one_with_a_job_is_never_released_nor_taken_over(string store)
    {
        var (keys, runs, age) = Open(store);
        var first = await keys.ClaimAsync(_key, "h", CancellationToken.None);

        await keys.ReleaseAsync(_key, first.Token, CancellationToken.None);
        var again = await keys.ClaimAsync(_key, "h", CancellationToken.None);
        runs.CreateClaimed(Run(Id("job-7")), _key, again.Token);
        await keys.ReleaseAsync(_key, again.Token, CancellationToken.None);
        await age(_key);
        var late = await keys.ClaimAsync(_key, "h", CancellationToken.None);

        again.Claimed.Should().BeTrue();
        (late.Claimed, late.JobId).Should().Be((false, Id("job-7")));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_key_is_forgotten_with_its_jobs_record(string store)
    {
        var (keys, runs, _) = Open(store);
        var jobId = Id("old");
        var claim = await keys.ClaimAsync(_key, "h", CancellationToken.None);
        runs.CreateClaimed(Run(jobId) with { CreatedAt = Created.AddYears(-30) }, _key, claim.Token);
        await runs.FinishAsync(jobId, RunStatus.Completed, Created.AddYears(-30), null, null, [], CancellationToken.None);

        var purged = await runs.PurgeAsync(Created.AddYears(-29), CancellationToken.None);

        purged.Should().Contain(jobId);
        (await keys.FindAsync(_key, CancellationToken.None)).Should().BeNull();
    }

    private (IIdempotencyKeys Keys, IJobRunStore Runs, Func<string, Task> Age) Open(string store)
    {
        if (store == "PostgreSql")
        {
            return (new PostgreSqlIdempotencyKeys(database.DataSource), database.Store, async key =>
            {
                // As the database's clock will see a claim left by a node that died a while ago.
                await using var command = database.DataSource.CreateCommand(
                    "UPDATE scheduler.idempotency_keys SET created_at = created_at - interval '61 seconds' WHERE key = $1");
                command.Parameters.Add(new() { Value = key });
                await command.ExecuteNonQueryAsync();
            });
        }

        var time = new ManualTime();
        var keys = new InMemoryIdempotencyKeys(time);
        return (keys, new InMemoryJobRunStore(keys, new InMemoryJobLog()), _ =>
        {
            time.Advance(IdempotencyClaim.PendingLimit + TimeSpan.FromSeconds(1));
            return Task.CompletedTask;
        });
    }

    private string Id(string name) => $"{_key}-{name}";

    private static JobRun Run(string jobId) =>
        new(jobId, "wf", RunStatus.Queued, Created, null, null, [new ParameterAssignment("Variables", "x", "1")], null, []);

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = Created;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
