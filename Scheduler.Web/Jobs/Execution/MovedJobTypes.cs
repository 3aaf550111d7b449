using Hangfire.Common;

namespace Scheduler.Web.Jobs.Execution;

/// <summary>
/// Hangfire stores a job's class by its name, in every queued job and every schedule (a recurring job). Those stored
/// before <see cref="WorkflowJob"/> moved from <c>Scheduler.Web.Hosting</c> still name it there: this finds the class
/// by its old name, so that they run after an upgrade instead of failing to load.
/// </summary>
internal static class MovedJobTypes
{
    private const string WorkflowJobBefore = "Scheduler.Web.Hosting.WorkflowJob, Scheduler.Web";

    public static Type Resolve(string typeName) =>
        string.Equals(typeName, WorkflowJobBefore, StringComparison.OrdinalIgnoreCase) ? typeof(WorkflowJob) : TypeHelper.DefaultTypeResolver(typeName);
}
