using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Storage;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Jobs.Execution;

/// <summary>A job that the service's own database fails mid-way runs again and goes on from the step that had not finished.</summary>
public sealed class InfrastructureRetryTests
{
    [Fact]
    public async Task A_job_whose_step_record_hit_a_terminated_connection_is_run_again_and_completes_without_repeating_finished_steps()
    {
        var store = DispatchProxy.Create<IJobRunStore, FailingOnceStore>();
        var failing = (FailingOnceStore)(object)store;
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles(new Dictionary<string, string?> { ["Auth:SigningKey"] = "infrastructure-retry-signing-key-of-32-characters" }));
        await using var host = app.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton(store))));
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = (await app.LoginAsync()).DefaultRequestHeaders.Authorization;

        var jobId = await client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv"));
        var details = await client.WaitForEndAsync(jobId);

        details.Text("status").Should().Be("Completed", details.ToString());
        details.Text("error").Should().BeNull();
        failing.Failed.Should().BeTrue("the record of the load's end failed once");
        failing.Saves.Where(s => s == ("FileTransferTask1", StepStatus.Running)).Should().ContainSingle("the download had completed and is not run again");
        failing.Saves.Where(s => s == ("RunDataflow1", StepStatus.Running)).Should().HaveCount(2, "the load had not been recorded as finished");
        details.Step("RunDataflow1").GetProperty("outputs").GetProperty("rowsWritten").GetInt64().Should().Be(20);
    }

    /// <summary>Job records in memory, where recording the end of the load fails once as on a connection terminated by a database restart.</summary>
    public class FailingOnceStore : DispatchProxy
    {
        private readonly InMemoryJobRunStore _records = new();

        public bool Failed { get; private set; }

        public ConcurrentQueue<(string Step, StepStatus Status)> Saves { get; } = new();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IJobRunStore.SaveStepAsync) && args![2] is StepRun step)
            {
                Saves.Enqueue((step.Name, step.Status));
                if (step is { Name: "RunDataflow1", Status: StepStatus.Completed } && !Failed)
                {
                    Failed = true;
                    return Task.FromException(new NpgsqlException("Exception while reading from stream", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01")));
                }
            }

            return targetMethod.Invoke(_records, args);
        }
    }
}
