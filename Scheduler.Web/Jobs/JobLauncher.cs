using System.Security.Cryptography;
using System.Text.Json;
using Hangfire;
using Hangfire.States;
using Scheduler.Web.Http;
using Scheduler.Web.Jobs.Execution;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs;

/// <summary>The outcome of a run request: a job id, or why no job was made.</summary>
internal sealed record JobLaunch(string? JobId, bool WorkflowFound, IReadOnlyDictionary<string, string[]> Problems)
{
    /// <summary>The request repeated an earlier one with the same idempotency key: <see cref="JobId"/> is that request's job.</summary>
    public bool Replayed { get; init; }

    /// <summary>Why the idempotency key cannot be used for this request (it belongs to another request).</summary>
    public string? Conflict { get; init; }

    /// <summary>For a <see cref="Conflict"/> that passes (the key's first request is still making its job): when to ask again.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>
/// Checks a run request completely before anything is queued (an invalid request never makes a job), then enqueues
/// the workflow on Hangfire. The job's own record is written once, by <see cref="JobRecordFilter"/> as Hangfire
/// creates the job, with the workflow version and, for a retry, the job it repeats (given as a job parameter). With an
/// <c>Idempotency-Key</c>, the key is claimed first and completed by that same record write (the claim goes along as a
/// job parameter), so a node that dies at any point leaves either no job and a claim that the next request with the
/// key takes over after <see cref="IdempotencyClaim.PendingLimit"/>, or a job that the key leads to.
/// </summary>
internal sealed class JobLauncher(
    RunRequestChecker checker,
    WorkflowResolver resolver,
    JobSecrets secrets,
    IIdempotencyKeys keys,
    IBackgroundJobClientV2 jobs)
{
    // How long a repeated request waits for the first one with its key to make its job.
    private static readonly TimeSpan PendingKeyWait = TimeSpan.FromSeconds(5);

    public async Task<JobLaunch> LaunchAsync(RunJobRequest request, string? idempotencyKey, string? user, CancellationToken cancellationToken)
    {
        var check = await checker.CheckAsync(request.Workflow, request.Parameters, cancellationToken);
        if (!check.IsValid)
        {
            return new JobLaunch(null, check.WorkflowFound, check.Problems);
        }

        if (idempotencyKey is null)
        {
            return Made(await EnqueueAsync(check.Workflow!, check.Given, JobTrigger.ByUser(user, null), cancellationToken));
        }

        var hash = RequestHash(request);
        var claim = await keys.ClaimAsync(idempotencyKey, hash, cancellationToken);
        if (!claim.Claimed)
        {
            return await ReplayAsync(idempotencyKey, hash, claim, cancellationToken);
        }

        try
        {
            return Made(await EnqueueAsync(check.Workflow!, check.Given, JobTrigger.ByUser(user, null).WithIdempotencyClaim(idempotencyKey, claim.Token), cancellationToken));
        }
        catch (Exception e) when (IdempotencyClaimLostException.Caused(e))
        {
            // This request was slower than the claim's limit; the one that took the key over answers for it.
            return await ReplayAsync(idempotencyKey, hash, await keys.FindAsync(idempotencyKey, cancellationToken) ?? claim, cancellationToken);
        }
        catch
        {
            // A key whose job was recorded stays with it: the release frees only a claim that made no job.
            await keys.ReleaseAsync(idempotencyKey, claim.Token, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Runs a job's workflow again with the same parameters (secret ones included), as a new job linked to it.</summary>
    public async Task<JobLaunch> RetryAsync(JobRun previous, string? user, CancellationToken cancellationToken)
    {
        var revealed = await secrets.RevealRecordedAsync(previous.Parameters, cancellationToken);
        if (revealed.Problem is { } lost)
        {
            return Refused("parameters", $"job {previous.JobId} cannot run again: {lost}");
        }

        var resolution = await resolver.ResolveAsync(previous.Workflow, revealed.Parameters, cancellationToken);
        if (!resolution.IsValid)
        {
            // The parameters were accepted once: what no longer fits is the workflow, which may have changed since.
            return Refused(resolution.Workflow is null ? WorkflowResolver.WorkflowField : "parameters", [.. resolution.Problems.Select(p =>
                $"job {previous.JobId} cannot run again: {revealed.Redactor.Mask(p.Message)}")]);
        }

        // The same secret values, kept anew for the new job: each job uses only its own.
        return Made(await EnqueueAsync(resolution.Workflow, revealed.Parameters, JobTrigger.ByUser(user, previous.JobId), cancellationToken));
    }

    private async Task<string> EnqueueAsync(
        WorkflowDefinition workflow, IReadOnlyList<ParameterAssignment> given, Dictionary<string, object> trigger, CancellationToken cancellationToken)
    {
        var parameters = await secrets.ProtectAsync(workflow, given, owner: null, cancellationToken);
        var jobId = jobs.Create(WorkflowJob.Call(workflow.Name, parameters), new EnqueuedState(), trigger);
        await secrets.ClaimAsync(parameters, jobId, CancellationToken.None);
        return jobId;
    }

    private async Task<JobLaunch> ReplayAsync(string key, string hash, IdempotencyClaim claim, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        while (claim.JobId is null && claim.RequestHash == hash && waited < PendingKeyWait)
        {
            await Task.Delay(100, cancellationToken);
            waited += TimeSpan.FromMilliseconds(100);
            claim = await keys.FindAsync(key, cancellationToken) ?? claim;
        }

        if (claim.RequestHash != hash)
        {
            return Refused($"the Idempotency-Key '{key}' was used with a different request; use a new key for a new request");
        }

        if (claim.JobId is { } jobId)
        {
            return new JobLaunch(jobId, WorkflowFound: true, new Dictionary<string, string[]>()) { Replayed = true };
        }

        // Either the first request is still making its job, or it died with its node and the claim is taken over
        // once it is older than the limit: asking again at most a few seconds later gets the one or the other.
        var takeOver = IdempotencyClaim.PendingLimit - claim.Age;
        return Refused($"the request with the Idempotency-Key '{key}' is still being processed; send it again in a moment") with
        {
            RetryAfter = TimeSpan.FromSeconds(Math.Clamp(Math.Ceiling(takeOver.TotalSeconds), 1, PendingKeyWait.TotalSeconds)),
        };
    }

    private static string RequestHash(RunJobRequest request) =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, WebJsonContext.Default.RunJobRequest)));

    private static JobLaunch Made(string jobId) => new(jobId, WorkflowFound: true, new Dictionary<string, string[]>());

    private static JobLaunch Refused(string conflict) => new(null, WorkflowFound: true, new Dictionary<string, string[]>()) { Conflict = conflict };

    private static JobLaunch Refused(string field, params string[] messages) =>
        new(null, WorkflowFound: true, new Dictionary<string, string[]> { [field] = messages });
}
