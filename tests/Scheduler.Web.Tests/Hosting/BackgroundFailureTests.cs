using System.Net;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Scheduler.Testing;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Storage;

namespace Scheduler.Web.Tests.Hosting;

/// <summary>A background loop that fails logs, carries on with its next tick, and never stops the service.</summary>
public sealed class BackgroundFailureTests
{
    [Fact]
    public async Task Definitions_sync_that_throws_is_logged_and_the_service_keeps_answering_and_recovers()
    {
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles());
        var store = new FailingDefinitionStore(new InMemoryDefinitionStore(TimeProvider.System));
        await using var failing = app.WithWebHostBuilder(host => host.ConfigureTestServices(services => services.AddSingleton<IDefinitionStore>(store)));
        using var client = failing.CreateClient();
        var lifetime = failing.Services.GetRequiredService<IHostApplicationLifetime>();

        store.Failing = true;
        await Eventually.UntilAsync(
            () => app.LogLines.Count(line => line.Contains("Could not refresh the definitions", StringComparison.Ordinal)) >= 2,
            "two failed refreshes in the log",
            () => string.Join(Environment.NewLine, app.LogLines));
        store.Failing = false;

        lifetime.ApplicationStopping.IsCancellationRequested.Should().BeFalse("a failed refresh must not stop the host");
        (await client.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        failing.Services.GetRequiredService<IOptions<HostOptions>>().Value.BackgroundServiceExceptionBehavior
            .Should().Be(BackgroundServiceExceptionBehavior.Ignore);
    }

    /// <summary>A store whose change stamp throws on demand, as a database that has gone away does.</summary>
    private sealed class FailingDefinitionStore(IDefinitionStore inner) : IDefinitionStore
    {
        public bool Failing { get; set; }

        public Task PrepareAsync(CancellationToken cancellationToken) => inner.PrepareAsync(cancellationToken);

        public Task<StoredDefinition?> SaveAsync(DefinitionKind kind, string name, string document, string? createdBy, bool onlyIfChanged, CancellationToken cancellationToken) =>
            inner.SaveAsync(kind, name, document, createdBy, onlyIfChanged, cancellationToken);

        public Task<bool> DeleteAsync(DefinitionKind kind, string name, string? deletedBy, CancellationToken cancellationToken) =>
            inner.DeleteAsync(kind, name, deletedBy, cancellationToken);

        public Task<IReadOnlyList<StoredDefinition>> LatestAsync(DefinitionKind kind, CancellationToken cancellationToken) =>
            inner.LatestAsync(kind, cancellationToken);

        public Task<StoredDefinition?> FindAsync(DefinitionKind kind, string name, int? version, CancellationToken cancellationToken) =>
            inner.FindAsync(kind, name, version, cancellationToken);

        public Task<IReadOnlyList<StoredDefinition>> HistoryAsync(DefinitionKind kind, string name, CancellationToken cancellationToken) =>
            inner.HistoryAsync(kind, name, cancellationToken);

        public Task<string> ChangeStampAsync(DefinitionKind kind, CancellationToken cancellationToken) =>
            Failing ? throw new InvalidOperationException("the definitions database has gone away") : inner.ChangeStampAsync(kind, cancellationToken);
    }
}
