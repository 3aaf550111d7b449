using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Web.Jobs.Execution;

namespace Scheduler.Web.Tests.Jobs.Execution;

/// <summary>Jobs and schedules stored before the workflow job moved still find it.</summary>
public sealed class MovedJobTypesTests
{
    [Fact]
    public void A_job_stored_under_the_old_name_of_the_workflow_job_is_read_as_the_workflow_job()
    {
        using var app = new SchedulerApp(new Dictionary<string, string?>());
        _ = app.Services;
        var current = InvocationData.SerializeJob(WorkflowJob.Call("local-orders-import", []));
        current.Type.Should().Be("Scheduler.Web.Jobs.Execution.WorkflowJob, Scheduler.Web");

        var stored = new InvocationData("Scheduler.Web.Hosting.WorkflowJob, Scheduler.Web", current.Method, current.ParameterTypes, current.Arguments);

        WorkflowJob.TryRead(stored.DeserializeJob(), out var workflow, out _).Should().BeTrue();
        workflow.Should().Be("local-orders-import");
    }
}
