using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scheduler.Web.Tests.Fixtures;

/// <summary>
/// The service in-process, configured the way an operator would: everything through configuration keys. Log lines
/// are kept so that tests can prove what the log says, and what it never says.
/// </summary>
public sealed class SchedulerApp : WebApplicationFactory<Program>
{
    public const string AdminPassword = "Test-Admin-Password-1";

    private readonly Dictionary<string, string?> _settings;
    private readonly string _environment;
    private Exception? _validationFailure;

    public SchedulerApp(IDictionary<string, string?> settings, string environment = "Testing")
    {
        WorkingDirectory = Directory.CreateTempSubdirectory("scheduler-web-tests-").FullName;
        _environment = environment;
        _settings = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Auth:AdminPassword"] = AdminPassword,
            ["Scheduler:DefinitionsPath"] = RepositoryFolder("samples"),
            ["Scheduler:WorkingDirectory"] = WorkingDirectory,
        };
        foreach (var (key, value) in settings)
        {
            _settings[key] = value;
        }
    }

    public string WorkingDirectory { get; }

    public ConcurrentQueue<string> LogLines { get; } = new();

    public static string RepositoryFolder(string name)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Scheduler.sln")))
            {
                return Path.Combine(folder.FullName, name);
            }
        }

        throw new InvalidOperationException("Scheduler.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Settings with the <c>SampleFiles</c> folder connection the local samples read from, plus <paramref name="more"/>.</summary>
    public static Dictionary<string, string?> WithSampleFiles(IDictionary<string, string?>? more = null) =>
        new(more ?? new Dictionary<string, string?>())
        {
            ["Connections:SampleFiles:Type"] = "Local",
            ["Connections:SampleFiles:Path"] = RepositoryFolder(Path.Combine("samples", "data")),
        };

    /// <summary>Settings with a <c>Drops</c> folder connection for file-drop schedules, on the samples' folder, which has no <c>in/</c> to find files in.</summary>
    public static Dictionary<string, string?> WithDrops(IDictionary<string, string?>? more = null) =>
        new(more ?? new Dictionary<string, string?>())
        {
            ["Connections:Drops:Type"] = "Local",
            ["Connections:Drops:Path"] = RepositoryFolder(Path.Combine("samples", "data")),
        };

    public async Task<HttpClient> LoginAsync()
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/account/login", new { user = "admin", password = AdminPassword });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("access_token").GetString());
        return client;
    }

    /// <summary>
    /// Starts the service, which must refuse to start, and returns why. The configuration's validation at start is
    /// recorded as it throws, because the harness can hide it: the app disposes its host when the start fails, and
    /// WebApplicationFactory's deferred host may read the disposed services after that and throw
    /// <see cref="ObjectDisposedException"/> in place of the reason. A refusal thrown while the app is built (the
    /// node's role is read then) comes before any host and is returned as the start threw it.
    /// </summary>
    public Exception StartRefusal()
    {
        var thrown = Record.Exception(() => Server);
        thrown.Should().NotBeNull("the service must refuse to start");
        return _validationFailure ?? thrown!;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new CollectingLoggerProvider(LogLines)));
        builder.ConfigureTestServices(RecordValidationFailures);
    }

    private void RecordValidationFailures(IServiceCollection services)
    {
        // The one registration Replace swaps.
        var validator = services.FirstOrDefault(s => s.ServiceType == typeof(IStartupValidator))?.ImplementationType;
        if (validator is not null)
        {
            services.Replace(ServiceDescriptor.Transient<IStartupValidator>(provider =>
                new RecordingStartupValidator((IStartupValidator)ActivatorUtilities.CreateInstance(provider, validator), failure => _validationFailure = failure)));
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(WorkingDirectory))
        {
            Directory.Delete(WorkingDirectory, recursive: true);
        }
    }

    private sealed class RecordingStartupValidator(IStartupValidator inner, Action<Exception> record) : IStartupValidator
    {
        public void Validate()
        {
            try
            {
                inner.Validate();
            }
            catch (Exception failure)
            {
                record(failure);
                throw;
            }
        }
    }

    private sealed class CollectingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CollectingLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class CollectingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
