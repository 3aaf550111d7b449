namespace Scheduler.Workflows.Definitions;

/// <summary>Names with a meaning of their own inside a workflow.</summary>
public static class WorkflowObjects
{
    /// <summary>The object that holds the workflow's input variables, as in <c>${Variables.sourceFilePath}</c>.</summary>
    public const string Variables = "Variables";

    /// <summary>
    /// The job as the workflow's notifications see it once its graph has ended: <c>${Job.status}</c> (Completed or
    /// Failed) and <c>${Job.error}</c> (why it failed, empty when it did not).
    /// </summary>
    public const string Job = "Job";

    /// <summary>The object that holds what the job knows about itself, as in <c>${Context.JobId}</c> (see <see cref="Scheduler.Dataflows.RunContext"/>).</summary>
    public const string Context = Scheduler.Dataflows.RunContext.Object;
}
