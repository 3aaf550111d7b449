using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using Scheduler.Testing;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Storage;
using Scheduler.Workflows.Tests.Transfer;
using Scheduler.Workflows.Transfer;
using Scheduler.Workflows.Triggers;

namespace Scheduler.Workflows.Tests.Triggers;

/// <summary>One fresh database for the class, on the shared real PostgreSQL server.</summary>
public sealed class FileDropDatabase : IAsyncLifetime
{
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync() => DataSource = NpgsqlDataSource.Create(await PostgresServer.Shared.CreateDatabaseAsync("file_drops"));

    public async Task DisposeAsync() => await DataSource.DisposeAsync();
}

/// <summary>
/// Polls of a Local folder with a clock the test moves: each new, stable file starts one job, whichever watcher
/// (node) polls, and a restart starts nothing again. Every case runs on PostgreSQL; those about one process also in memory.
/// </summary>
public sealed class FileDropWatcherTests(FileDropDatabase database) : IClassFixture<FileDropDatabase>, IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly TempFolder _folder = new();
    private readonly ManualTime _time = new();
    private readonly string _schedule = $"drops-{Guid.NewGuid():N}";
    private readonly List<string> _started = [];
    private readonly FakeLogger<FileDropWatcher> _log = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_new_file_starts_one_job_on_the_second_poll_that_finds_it_unchanged(bool durable)
    {
        var watcher = Watcher(durable ? Durable() : new InMemoryFileDropLedger());
        Drop("in/a.csv", "1,2\n");
        Drop("in/notes.txt", "not matched");

        var first = await PollAsync(watcher);
        var second = await PollAsync(watcher);
        var third = await PollAsync(watcher);

        first.Should().BeEmpty("a file seen once may still be being written");
        second.Should().ContainSingle().Which.Path.Should().Be("in/a.csv");
        third.Should().BeEmpty();
        _started.Should().Equal("in/a.csv");
    }

    [Fact]
    public async Task Two_nodes_polling_one_store_at_once_start_each_file_once()
    {
        for (var i = 0; i < 30; i++)
        {
            Drop($"in/{i:00}.csv", "x");
        }

        var one = Watcher(Durable());
        var two = Watcher(Durable());
        await PollAsync(one);
        _time.Advance(Interval);

        var both = await Task.WhenAll(Enumerable.Range(0, 4).Select(n => (n % 2 == 0 ? one : two).PollAsync(Watch(), StartAsync, CancellationToken.None)));

        both.SelectMany(started => started).Select(s => s.Path).Should().HaveCount(30).And.OnlyHaveUniqueItems();
        _started.Should().HaveCount(30).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task A_restarted_node_does_not_start_a_file_again()
    {
        Drop("in/a.csv", "x");
        var before = Watcher(Durable());
        await PollAsync(before);
        (await PollAsync(before)).Should().ContainSingle();

        var after = Watcher(Durable());

        (await PollAsync(after)).Should().BeEmpty();
        _started.Should().ContainSingle();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_growing_file_waits_until_two_polls_find_it_unchanged(bool durable)
    {
        var watcher = Watcher(durable ? Durable() : new InMemoryFileDropLedger());
        var path = Drop("in/big.csv", "part 1\n");
        await PollAsync(watcher);

        File.AppendAllText(path, "part 2\n");
        var whileGrowing = await PollAsync(watcher);
        var once = await PollAsync(watcher);

        whileGrowing.Should().BeEmpty("its size changed since the last poll");
        once.Should().ContainSingle().Which.Path.Should().Be("in/big.csv");
    }

    [Fact]
    public async Task A_file_written_again_later_is_a_new_drop()
    {
        var watcher = Watcher(Durable());
        var path = Drop("in/a.csv", "first");
        await PollAsync(watcher);
        await PollAsync(watcher);

        File.WriteAllText(path, "second, longer");
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddMinutes(1));
        await PollAsync(watcher);
        var again = await PollAsync(watcher);

        again.Should().ContainSingle();
        _started.Should().Equal("in/a.csv", "in/a.csv");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_started_file_that_leaves_and_comes_back_unchanged_is_started_again_only_after_a_day(bool durable)
    {
        var watcher = Watcher(durable ? Durable() : new InMemoryFileDropLedger());
        var path = Drop("in/a.csv", "x");
        await PollAsync(watcher);
        await PollAsync(watcher);
        var saved = Path.Combine(_folder.Path, "saved.csv");
        File.Move(path, saved);
        await PollAsync(watcher);

        File.Copy(saved, path);
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(saved));
        await PollAsync(watcher);
        var withinADay = await PollAsync(watcher);
        File.Move(path, saved, overwrite: true);
        await PollAsync(watcher);
        _time.Advance(FileDropLimits.StartedMemory);
        await PollAsync(watcher);
        File.Copy(saved, path);
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(saved));
        await PollAsync(watcher);
        var afterADay = await PollAsync(watcher);

        withinADay.Should().BeEmpty("a listing that missed the file for a while must not start it again");
        afterADay.Should().ContainSingle();
    }

    [Fact]
    public async Task A_job_that_could_not_be_made_leaves_the_file_for_the_next_poll()
    {
        var watcher = Watcher(Durable());
        Drop("in/a.csv", "x");
        await PollAsync(watcher);
        _time.Advance(Interval);

        var failing = () => watcher.PollAsync(Watch(), (_, _) => throw new InvalidOperationException("queue away"), CancellationToken.None);

        await failing.Should().ThrowAsync<InvalidOperationException>();
        (await PollAsync(watcher)).Should().ContainSingle();
    }

    [Fact]
    public async Task A_file_whose_name_cannot_be_a_path_is_passed_over_with_a_warning_and_the_others_start()
    {
        Drop("in/report:1.csv", "x");
        Drop("in/line\nbreak.csv", "x");
        Drop("in/a.csv", "x");
        var watcher = Watcher(Durable());

        await PollAsync(watcher);
        var second = await PollAsync(watcher);

        second.Select(s => s.Path).Should().Equal("in/a.csv");
        _log.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message).Should().Contain(
        [
            $"Schedule {_schedule} passes over a listed file: Remote path 'in/report:1.csv' is refused: drive letters and ':' are not allowed.",
            $"Schedule {_schedule} passes over a listed file: Remote path 'in/line\\u000abreak.csv' is refused: it contains a control character.",
        ]);
    }

    [Fact]
    public async Task A_listing_the_store_cannot_remember_passes_over_its_file_and_the_others_start()
    {
        var listing = new HostileListing(
            new("a.csv", 1) { Modified = "20260101120000\0" },
            new("b.csv", 1) { Modified = new string('1', FileDropLimits.MaxListedTimeLength + 1) },
            new(new string('n', FileDropLimits.MaxListedNameLength - 3) + ".csv", 1),
            new("ok.csv", 1) { Modified = "20260101120000" });
        var watcher = new FileDropWatcher(
            Durable(), listing, new ConnectionCatalog(new Dictionary<string, ConnectionSettings> { ["Drops"] = new() { Type = "Ftp", Host = "hostile" } }), _time, _log);

        await PollAsync(watcher);
        var second = await PollAsync(watcher);

        second.Select(s => s.Path).Should().Equal("in/ok.csv");
        _log.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message).Should().Contain(
        [
            $"Schedule {_schedule} passes over a listed file: the server lists a modification time for 'in/a.csv' that is over 64 characters or holds a control character",
            $"Schedule {_schedule} passes over a listed file: the server lists a modification time for 'in/b.csv' that is over 64 characters or holds a control character",
            $"Schedule {_schedule} passes over a listed file: the server lists a name of 256 characters; the most is 255",
        ]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_store_names_the_schedules_it_remembers_files_of_until_each_is_forgotten(bool durable)
    {
        IFileDropLedger ledger = durable ? Durable() : new InMemoryFileDropLedger();
        var watcher = Watcher(ledger);
        Drop("in/a.csv", "x");
        await PollAsync(watcher);

        var remembered = await ledger.SchedulesAsync(CancellationToken.None);
        await ledger.ForgetAsync(_schedule, CancellationToken.None);

        remembered.Should().Contain(_schedule);
        (await ledger.SchedulesAsync(CancellationToken.None)).Should().NotContain(_schedule);
    }

    [Fact]
    public async Task One_poll_starts_at_most_the_limit_and_the_rest_on_the_next()
    {
        var watcher = Watcher(new InMemoryFileDropLedger());
        for (var i = 0; i <= FileDropLimits.MaxFilesPerPoll; i++)
        {
            Drop($"in/{i:000}.csv", "x");
        }

        await PollAsync(watcher);
        var first = await PollAsync(watcher);
        var next = await PollAsync(watcher);

        first.Should().HaveCount(FileDropLimits.MaxFilesPerPoll);
        next.Select(s => s.Path).Should().Equal($"in/{FileDropLimits.MaxFilesPerPoll:000}.csv");
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Every_protocol_starts_a_dropped_file_once_and_the_file_written_again_once_more(string name)
    {
        using var localServer = new TempFolder();
        var server = TransferServers.Get(name, localServer.Path);
        var folder = FtpTestFiles.UniqueFolder();
        var watcher = new FileDropWatcher(
            Durable(), new RemoteFilesFactory(), new ConnectionCatalog(new Dictionary<string, ConnectionSettings> { [name] = server.Settings }), _time, _log);
        var watch = new FileDropWatch(_schedule, name, $"{folder}/*.csv", Interval);
        server.Write($"{folder}/a.csv", [1, 2, 3]);
        server.Write($"{folder}/a.txt", [1]);

        var first = await PollAsync(watcher, watch);
        var second = await PollAsync(watcher, watch);
        server.Write($"{folder}/a.csv", [1, 2, 3, 4]);
        var rewritten = await PollAsync(watcher, watch);
        var again = await PollAsync(watcher, watch);

        first.Should().BeEmpty();
        second.Select(s => s.Path).Should().Equal($"{folder}/a.csv");
        rewritten.Should().BeEmpty("the new content is seen once so far");
        again.Select(s => s.Path).Should().Equal($"{folder}/a.csv");
    }

    public static TheoryData<string> Servers => TransferServers.All;

    private PostgreSqlFileDropLedger Durable() => new(database.DataSource);

    private FileDropWatcher Watcher(IFileDropLedger ledger) => new(
        ledger,
        new RemoteFilesFactory(),
        new ConnectionCatalog(new Dictionary<string, ConnectionSettings> { ["Drops"] = new() { Type = "Local", Path = _folder.Path } }),
        _time,
        _log);

    private FileDropWatch Watch() => new(_schedule, "Drops", "in/*.csv", Interval);

    private string Drop(string path, string content)
    {
        var full = Path.Combine(_folder.Path, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    /// <summary>Polls, then moves the clock on by one interval, as the schedule would.</summary>
    private async Task<IReadOnlyList<FileDropStart>> PollAsync(FileDropWatcher watcher, FileDropWatch? watch = null)
    {
        var started = await watcher.PollAsync(watch ?? Watch(), StartAsync, CancellationToken.None);
        _time.Advance(Interval);
        return started;
    }

    /// <summary>A server that lists what it likes (vsftpd lists only what a file system holds); nothing else is asked of it.</summary>
    private sealed class HostileListing(params RemoteFileEntry[] entries) : IRemoteFilesFactory, IRemoteFiles
    {
        public string Description => "ftp://hostile";

        public Task<IRemoteFiles> ConnectAsync(string connectionName, ConnectionSettings settings, CancellationToken cancellationToken) =>
            Task.FromResult<IRemoteFiles>(this);

        public Task<IReadOnlyList<RemoteFileEntry>> ListAsync(string? folder, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RemoteFileEntry>>(entries);

        public Task<long> GetSizeAsync(string remotePath, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task DownloadAsync(string remotePath, Stream destination, long offset, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task UploadAsync(string remotePath, Stream source, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task DeleteAsync(string remotePath, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task RenameAsync(string remotePath, string newPath, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private Task<string> StartAsync(string path, CancellationToken cancellationToken)
    {
        lock (_started)
        {
            _started.Add(path);
            return Task.FromResult($"job-{_started.Count}");
        }
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
