using System.Security.Cryptography;
using System.Text;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Storage;

namespace Scheduler.Workflows.Tests.Storage;

/// <summary>Where secret run parameters are kept: encrypted at rest, given only to their owner, deleted with it. Both stores.</summary>
public sealed class SecretValuesTests(JobRunDatabase database) : IClassFixture<JobRunDatabase>
{
    private const string Secret = "s3cr3t-Pa55";

    public static TheoryData<string> Stores => ["PostgreSql", "InMemory"];

    [Fact]
    public async Task A_secret_value_is_stored_encrypted_and_revealed_only_through_its_reference()
    {
        var secrets = new PostgreSqlSecretValues(database.DataSource, new MarkedProtector());

        var reference = await secrets.KeepAsync(Secret, SecretOwner.Job("1"), CancellationToken.None);

        reference.Should().StartWith(SecretReference.Mask).And.NotContain("s3cr3t");
        SecretReference.Masked(reference).Should().Be("***");
        SecretReference.Masked("plain").Should().Be("plain");
        SecretReference.TryParse(reference, out var id).Should().BeTrue();
        (await secrets.RevealAsync(id, CancellationToken.None)).Should().Be(Secret);
        (await secrets.RevealAsync(Guid.NewGuid(), CancellationToken.None)).Should().BeNull();
        var stored = await StoredAsync(id);
        stored.Plain.Should().BeNull();
        stored.Protected.Should().Equal(new MarkedProtector().Protect(Secret), "only what the protector made is stored");
    }

    [Fact]
    public async Task A_value_stored_in_plain_text_by_an_older_version_is_encrypted_at_start_up()
    {
        var secrets = new PostgreSqlSecretValues(database.DataSource, new MarkedProtector());
        var id = Guid.NewGuid();
        await using (var insert = database.DataSource.CreateCommand($"INSERT INTO scheduler.secret_values (id, value) VALUES ('{id}', '{Secret}')"))
        {
            await insert.ExecuteNonQueryAsync();
        }

        await secrets.ProtectPlainValuesAsync(CancellationToken.None);

        var stored = await StoredAsync(id);
        stored.Plain.Should().BeNull();
        stored.Protected.Should().NotBeNull();
        (await secrets.RevealForAsync(id, [SecretOwner.Schedule("legacy")], CancellationToken.None)).Should().Be(Secret);
        (await secrets.RevealForAsync(id, [SecretOwner.Job("other")], CancellationToken.None)).Should().BeNull("its first use made it the schedule's");
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_value_is_revealed_to_its_owner_only_and_one_without_owner_becomes_its_first_claimants(string store)
    {
        var secrets = Create(store);
        var job = SecretOwner.Job(Guid.NewGuid().ToString("N"));
        var other = SecretOwner.Job(Guid.NewGuid().ToString("N"));
        var schedule = SecretOwner.Schedule(Guid.NewGuid().ToString("N"));
        var claimed = Id(await secrets.KeepAsync("claimed", null, CancellationToken.None));
        var unclaimed = Id(await secrets.KeepAsync("unclaimed", null, CancellationToken.None));
        var scheduled = Id(await secrets.KeepAsync("scheduled", schedule, CancellationToken.None));

        await secrets.ClaimAsync([claimed], job, CancellationToken.None);
        await secrets.ClaimAsync([claimed], other, CancellationToken.None);

        (await secrets.RevealForAsync(claimed, [other], CancellationToken.None)).Should().BeNull("it was claimed by the job made with it");
        (await secrets.RevealForAsync(claimed, [job], CancellationToken.None)).Should().Be("claimed");
        (await secrets.RevealForAsync(scheduled, [job], CancellationToken.None)).Should().BeNull();
        (await secrets.RevealForAsync(scheduled, [schedule, job], CancellationToken.None)).Should().Be("scheduled");
        (await secrets.RevealForAsync(unclaimed, [job], CancellationToken.None)).Should().Be("unclaimed");
        (await secrets.RevealForAsync(unclaimed, [other], CancellationToken.None)).Should().BeNull();
        (await secrets.RevealAsync(unclaimed, CancellationToken.None)).Should().Be("unclaimed", "the service reads what it recorded itself");
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Purge_deletes_the_values_of_purged_jobs_and_those_released_or_unclaimed_before_the_cutoff(string store)
    {
        var secrets = Create(store);
        var now = DateTimeOffset.UtcNow;
        string purgedJob = SecretOwner.Job(Guid.NewGuid().ToString("N")), keptJob = SecretOwner.Job(Guid.NewGuid().ToString("N"));
        string replaced = SecretOwner.Schedule(Guid.NewGuid().ToString("N")), live = SecretOwner.Schedule(Guid.NewGuid().ToString("N"));
        var ofPurgedJob = Id(await secrets.KeepAsync("a", purgedJob, CancellationToken.None));
        var ofKeptJob = Id(await secrets.KeepAsync("b", keptJob, CancellationToken.None));
        var ofReplacedSchedule = Id(await secrets.KeepAsync("c", replaced, CancellationToken.None));
        var ofLiveSchedule = Id(await secrets.KeepAsync("d", live, CancellationToken.None));
        var unclaimed = Id(await secrets.KeepAsync("e", null, CancellationToken.None));
        await secrets.ReleaseAsync(replaced, now.AddHours(-2), CancellationToken.None);

        await secrets.PurgeAsync([purgedJob], now.AddHours(-1), CancellationToken.None);
        var afterFirst = await PresentAsync(secrets, ofPurgedJob, ofKeptJob, ofReplacedSchedule, ofLiveSchedule, unclaimed);
        await secrets.PurgeAsync([], now.AddHours(1), CancellationToken.None);
        var afterSecond = await PresentAsync(secrets, ofKeptJob, ofLiveSchedule, unclaimed);

        afterFirst.Should().Equal(false, true, false, true, true);
        afterSecond.Should().Equal(true, true, false);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Holders_are_the_owners_of_the_prefix_with_values_not_released(string store)
    {
        var secrets = Create(store);
        var prefix = SecretOwner.Schedule(Guid.NewGuid().ToString("N"));
        string holding = prefix + "-a", released = prefix + "-b";
        await secrets.KeepAsync("a", holding, CancellationToken.None);
        await secrets.KeepAsync("a2", holding, CancellationToken.None);
        await secrets.KeepAsync("b", released, CancellationToken.None);
        await secrets.KeepAsync("c", SecretOwner.Job(prefix), CancellationToken.None);
        await secrets.ReleaseAsync(released, DateTimeOffset.UtcNow, CancellationToken.None);

        (await secrets.HoldersAsync(prefix, CancellationToken.None)).Should().Equal(holding);
    }

    private ISecretValues Create(string store) =>
        store == "PostgreSql" ? new PostgreSqlSecretValues(database.DataSource, new MarkedProtector()) : new InMemorySecretValues(TimeProvider.System);

    private static Guid Id(string reference) => SecretReference.TryParse(reference, out var id) ? id : throw new FormatException(reference);

    private static async Task<bool[]> PresentAsync(ISecretValues secrets, params Guid[] ids)
    {
        var present = new List<bool>();
        foreach (var id in ids)
        {
            present.Add(await secrets.RevealAsync(id, CancellationToken.None) is not null);
        }

        return [.. present];
    }

    private async Task<(string? Plain, byte[]? Protected)> StoredAsync(Guid id)
    {
        await using var command = database.DataSource.CreateCommand($"SELECT value, protected FROM scheduler.secret_values WHERE id = '{id}'");
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : (byte[])reader[1]);
    }

    /// <summary>Not encryption: a reversible transformation that leaves no plain text and shows that the store used it.</summary>
    private sealed class MarkedProtector : ISecretProtector
    {
        private static readonly byte[] Mark = "enc:"u8.ToArray();

        public byte[] Protect(string value) => [.. Mark, .. Encoding.UTF8.GetBytes(value).Select(b => (byte)(b ^ 0x5A))];

        public string Unprotect(byte[] protectedValue) => protectedValue.AsSpan().StartsWith(Mark)
            ? Encoding.UTF8.GetString([.. protectedValue[Mark.Length..].Select(b => (byte)(b ^ 0x5A))])
            : throw new CryptographicException("not protected by this protector");
    }
}
