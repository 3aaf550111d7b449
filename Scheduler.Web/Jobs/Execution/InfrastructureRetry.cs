using Hangfire.States;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs.Execution;

/// <summary>
/// A workflow job that failed because the service's own database was away (<see cref="InfrastructureFailure"/>) did
/// not fail as a workflow: it is run again with backoff, up to <see cref="MaxAttempts"/> times, and resumes from the
/// steps that had not finished (<see cref="WorkflowJob"/>). Any other failure stays Failed: a workflow's own error
/// (a bad file, rejected rows) would fail the same way again, and its tasks have their own retries.
/// </summary>
internal sealed class InfrastructureRetry : IElectStateFilter
{
    /// <summary>The job parameter that counts the runs again; a job that has one resumes.</summary>
    public const string AttemptsParameter = "InfrastructureRetries";

    /// <summary>Delays of 5 s doubling up to 2 min: about 12 minutes in all, for a database restart or failover.</summary>
    public const int MaxAttempts = 10;

    public static TimeSpan DelayBefore(int attempt) => TimeSpan.FromSeconds(Math.Min(5 * Math.Pow(2, attempt - 1), 120));

    public void OnStateElection(ElectStateContext context)
    {
        if (context.CandidateState is not FailedState failed
            || !WorkflowJob.TryRead(context.BackgroundJob.Job, out _, out _)
            || !InfrastructureFailure.IsDatabaseUnavailable(failed.Exception))
        {
            return;
        }

        var attempt = context.GetJobParameter<int>(AttemptsParameter) + 1;
        if (attempt > MaxAttempts)
        {
            return;
        }

        var delay = DelayBefore(attempt);
        context.SetJobParameter(AttemptsParameter, attempt);
        context.CandidateState = new ScheduledState(delay)
        {
            Reason = $"the service's database was unavailable ({failed.Exception.Message}); run again {attempt} of {MaxAttempts} in {delay.TotalSeconds:0} s, from the steps that had not finished",
        };
    }
}
