using System.Security.Cryptography;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;

namespace Scheduler.Workflows.Runs;

/// <summary>The parameters of a job with its secret values, for binding, or why they cannot be had.</summary>
public sealed record RevealedParameters(ParameterAssignment[] Parameters, SecretRedactor Redactor, string? Problem);

/// <summary>
/// Keeps the values of a workflow's secret variables (<c>"secret": true</c>) out of Hangfire's job arguments and the
/// job records: a run request's secret value is stored apart, encrypted, for the job (or schedule) it was given to,
/// and replaced by a reference that shows as <c>***</c>. The worker reveals it for binding only, and only to a job
/// of its owner; whatever is shown of a job (details, list, log) has the values masked.
/// </summary>
public sealed class JobSecrets(ISecretValues values, TimeProvider time)
{
    /// <summary>
    /// The parameters with each secret variable's value replaced by a reference kept for <paramref name="owner"/>
    /// (a schedule), or for the job about to be made (null: <see cref="ClaimAsync"/> binds them to it).
    /// </summary>
    public async Task<IReadOnlyList<ParameterAssignment>> ProtectAsync(
        WorkflowDefinition workflow, IReadOnlyList<ParameterAssignment> given, string? owner, CancellationToken cancellationToken)
    {
        var protectedParameters = new List<ParameterAssignment>(given.Count);
        foreach (var parameter in given)
        {
            protectedParameters.Add(IsSecret(workflow, parameter) && parameter.Value is { } value
                ? parameter with { Value = await values.KeepAsync(value, owner, cancellationToken) }
                : parameter);
        }

        return protectedParameters;
    }

    /// <summary>Whether the parameter sets one of the workflow's secret variables.</summary>
    private static bool IsSecret(WorkflowDefinition workflow, ParameterAssignment parameter) =>
        string.Equals(parameter.ActionName, WorkflowObjects.Variables, StringComparison.OrdinalIgnoreCase)
        && workflow.IsSecretVariable(parameter.Parameters);

    /// <summary>Whether the parameter gives a secret variable the mask (<c>***</c>) that stands for its value wherever it shows.</summary>
    public static bool IsMasked(WorkflowDefinition workflow, ParameterAssignment parameter) =>
        parameter.Value == SecretReference.Mask && IsSecret(workflow, parameter);

    /// <summary>Binds the secret values of a job's parameters to that job, the moment it exists.</summary>
    public Task ClaimAsync(IReadOnlyList<ParameterAssignment> parameters, string jobId, CancellationToken cancellationToken) =>
        values.ClaimAsync(References(parameters), SecretOwner.Job(jobId), cancellationToken);

    /// <summary>
    /// Lets a schedule's secret values go (it is replaced or deleted): after the retention, so that the jobs it made
    /// can still be retried until their own records go.
    /// </summary>
    public Task ReleaseScheduleAsync(string scheduleId, CancellationToken cancellationToken) =>
        values.ReleaseAsync(SecretOwner.Schedule(scheduleId), time.GetUtcNow(), cancellationToken);

    /// <summary>The schedules that hold secret values not released.</summary>
    public async Task<IReadOnlyList<string>> SchedulesHoldingValuesAsync(CancellationToken cancellationToken) =>
        [.. (await values.HoldersAsync(SecretOwner.SchedulePrefix, cancellationToken)).Select(owner => owner[SecretOwner.SchedulePrefix.Length..])];

    /// <summary>Why a run request may not carry a reference: each one is kept for the job or schedule it was given to.</summary>
    public static string? ReferenceProblem(string? value) =>
        SecretReference.TryParse(value, out _)
            ? $"'{value}' stands for a secret value of another job or schedule, which only that one may use; give the value itself"
            : null;

    /// <summary>
    /// The parameters with their secret values, for the worker of <paramref name="jobId"/> (made by the schedule
    /// <paramref name="scheduleId"/>, if any): a reference kept for any other job or schedule is refused.
    /// </summary>
    public async Task<RevealedParameters> RevealForJobAsync(
        IReadOnlyList<ParameterAssignment> parameters, string jobId, string? scheduleId, CancellationToken cancellationToken)
    {
        string[] owners = scheduleId is null ? [SecretOwner.Job(jobId)] : [SecretOwner.Schedule(scheduleId), SecretOwner.Job(jobId)];
        return await RevealAsync(
            parameters,
            (id, token) => values.RevealForAsync(id, owners, token),
            $"is not a secret value of job {jobId}{(scheduleId is null ? "" : $" or of its schedule '{scheduleId}'")}, or no longer exists",
            cancellationToken);
    }

    /// <summary>The parameters of a job's record with their secret values, to run them again (a retry).</summary>
    public Task<RevealedParameters> RevealRecordedAsync(IReadOnlyList<ParameterAssignment> parameters, CancellationToken cancellationToken) =>
        RevealAsync(parameters, values.RevealAsync, "is a secret value that has been deleted (its schedule was replaced or deleted)", cancellationToken);

    /// <summary>Masks a job's secret values in free text (log lines, errors, outputs), where a task may have echoed one.</summary>
    public async Task<SecretRedactor> RedactorAsync(IReadOnlyList<ParameterAssignment> parameters, CancellationToken cancellationToken) =>
        (await RevealRecordedAsync(parameters, cancellationToken)).Redactor;

    /// <summary>The parameters as they are shown: references to secret values as <c>***</c>.</summary>
    public static IReadOnlyList<ParameterAssignment> Masked(IReadOnlyList<ParameterAssignment> parameters) =>
        [.. parameters.Select(p => p with { Value = SecretReference.Masked(p.Value) })];

    private static Guid[] References(IReadOnlyList<ParameterAssignment> parameters) =>
        [.. parameters.Select(p => SecretReference.TryParse(p.Value, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty)];

    private static async Task<RevealedParameters> RevealAsync(
        IReadOnlyList<ParameterAssignment> parameters,
        Func<Guid, CancellationToken, Task<string?>> reveal,
        string refused,
        CancellationToken cancellationToken)
    {
        var revealed = new ParameterAssignment[parameters.Count];
        var redactor = new SecretRedactor();
        var problems = new List<string>();
        for (var i = 0; i < parameters.Count; i++)
        {
            revealed[i] = parameters[i];
            if (!SecretReference.TryParse(parameters[i].Value, out var id))
            {
                continue;
            }

            var name = $"{parameters[i].ActionName}.{parameters[i].Parameters}";
            try
            {
                if (await reveal(id, cancellationToken) is { } value)
                {
                    revealed[i] = parameters[i] with { Value = value };
                    redactor.Add(value);
                }
                else
                {
                    problems.Add($"the value of {name} {refused}");
                }
            }
            catch (CryptographicException)
            {
                problems.Add($"the secret value of {name} cannot be decrypted on this node: its key is not in the key ring "
                    + "(give every node the same Scheduler:DataProtectionKeysPath)");
            }
        }

        return new(revealed, redactor, problems.Count == 0 ? null : string.Join("; ", problems));
    }
}
