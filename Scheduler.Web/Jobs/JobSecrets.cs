using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs;

/// <summary>
/// Keeps the values of a workflow's secret variables (<c>"secret": true</c>) out of Hangfire's job arguments and the
/// job records: a run request's secret value is stored apart and replaced by a reference that shows as <c>***</c>;
/// the worker reveals it for binding only; whatever is shown of a job (details, list, log) has the values masked.
/// </summary>
public sealed class JobSecrets(ISecretValues values)
{
    public async Task<IReadOnlyList<ParameterAssignment>> ProtectAsync(
        WorkflowDefinition workflow, IReadOnlyList<ParameterAssignment> given, CancellationToken cancellationToken)
    {
        var secret = workflow.Variables.Where(v => v.Secret).Select(v => v.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var protectedParameters = new List<ParameterAssignment>(given.Count);
        foreach (var parameter in given)
        {
            var isSecret = string.Equals(parameter.ActionName, WorkflowObjects.Variables, StringComparison.OrdinalIgnoreCase)
                && secret.Contains(parameter.Parameters)
                && parameter.Value is not null
                && !SecretReference.TryParse(parameter.Value, out _);
            protectedParameters.Add(isSecret ? parameter with { Value = await values.KeepAsync(parameter.Value!, cancellationToken) } : parameter);
        }

        return protectedParameters;
    }

    /// <summary>The parameters with their secret values, for binding on the worker (or again for a retry).</summary>
    public async Task<ParameterAssignment[]> RevealAsync(IReadOnlyList<ParameterAssignment> parameters, CancellationToken cancellationToken)
    {
        var revealed = new ParameterAssignment[parameters.Count];
        for (var i = 0; i < parameters.Count; i++)
        {
            revealed[i] = SecretReference.TryParse(parameters[i].Value, out var id) && await values.RevealAsync(id, cancellationToken) is { } value
                ? parameters[i] with { Value = value }
                : parameters[i];
        }

        return revealed;
    }

    /// <summary>Masks a job's secret values in free text (log lines, errors, outputs), where a task may have echoed one.</summary>
    public async Task<Func<string?, string?>> MaskerAsync(IReadOnlyList<ParameterAssignment> parameters, CancellationToken cancellationToken)
    {
        var secrets = new List<string>();
        foreach (var parameter in parameters)
        {
            if (SecretReference.TryParse(parameter.Value, out var id) && await values.RevealAsync(id, cancellationToken) is { Length: > 0 } value)
            {
                secrets.Add(value);
            }
        }

        // Longest first, so that a secret containing another is masked whole.
        secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
        return text => text is null || secrets.Count == 0
            ? text
            : secrets.Aggregate(text, (masked, secret) => masked.Replace(secret, SecretReference.Mask, StringComparison.Ordinal));
    }

    /// <summary>The parameters as they are shown: references to secret values as <c>***</c>.</summary>
    public static IReadOnlyList<ParameterAssignment> Masked(IReadOnlyList<ParameterAssignment> parameters) =>
        [.. parameters.Select(p => p with { Value = SecretReference.Masked(p.Value) })];
}
