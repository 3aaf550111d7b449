using System.Text.RegularExpressions;
using Scheduler.Dataflows.Expressions;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Validation;

namespace Scheduler.Workflows.Tasks;

/// <summary>
/// Chooses a branch: a boolean expression over the workflow's variables and earlier outputs, such as
/// <c>RunDataflow1.rowsRejected > 0</c>. Tasks depend on it with <c>"on": "true"</c> or <c>"on": "false"</c>.
/// The expression language is the dataflows' one (C# syntax), compiled once per run.
/// </summary>
public sealed partial class DecisionTask : IWorkflowTask
{
    public const string Result = "result";
    private const string Expression = "expression";

    public string Type => WorkflowValidator.DecisionType;

    public IReadOnlyList<TaskInput> Inputs { get; } =
    [
        new(Expression, ScalarType.String, Required: true, "A boolean expression over Variables.name and TaskName.output values, e.g. RunDataflow1.rowsRejected > 0") { Fixed = true },
    ];

    public IReadOnlyList<TaskOutput> Outputs { get; } =
    [
        new(Result, ScalarType.Bool, "The value of the expression; tasks depend on it with \"on\": \"true\" or \"false\""),
    ];

    public IEnumerable<string> ReadsFrom(TaskDefinition task) =>
        task.Inputs.TryGetValue(Expression, out var expression)
            ? QualifiedName().Matches(expression).Select(m => m.Groups["object"].Value)
                .Where(name => !string.Equals(name, WorkflowObjects.Variables, StringComparison.OrdinalIgnoreCase))
            : [];

    public IEnumerable<string> ValidateInWorkflow(TaskValidationContext context)
    {
        if (!context.Task.Inputs.TryGetValue(Expression, out var expression))
        {
            yield break;
        }

        if (!InputTemplate.Parse(expression).IsLiteral)
        {
            yield return "write the expression as it is, naming values as Variables.name or TaskName.output, without ${...}";
            yield break;
        }

        var parameters = context.VisibleValues.Select(v => new ExpressionParameter(v.Key, v.Value.ClrType())).ToList();
        string? problem = null;
        try
        {
            ExpressionCompiler.Compile(expression, parameters, typeof(bool));
        }
        catch (ExpressionException e)
        {
            problem = $"the expression '{expression}' is invalid: {e.Message} (it can read the variables and the outputs of the tasks it depends on)";
        }

        if (problem is not null)
        {
            yield return problem;
        }
    }

    public Task<IReadOnlyDictionary<string, object?>> RunAsync(TaskRunContext context, CancellationToken cancellationToken)
    {
        var expression = context.GetString(Expression);
        var known = context.VisibleValues.Where(v => v.Value is not null).ToList();
        try
        {
            var compiled = ExpressionCompiler.Compile(
                expression,
                [.. known.Select(v => new ExpressionParameter(v.Key, v.Value is IReadOnlyList<string> ? typeof(IReadOnlyList<string>) : v.Value!.GetType()))],
                typeof(bool));
            var value = (bool)compiled.Evaluate([.. known.Select(v => v.Value)])!;
            context.Logger.LogDecision(context.TaskName, expression, value);
            return Task.FromResult<IReadOnlyDictionary<string, object?>>(new Dictionary<string, object?> { [Result] = value });
        }
        catch (ExpressionException e)
        {
            throw new TaskFailedException($"the expression '{expression}' could not be evaluated: {e.Message}", e);
        }
    }

    // Object.member outside string literals; a name that is not a task of the workflow is ignored by the graph.
    [GeneratedRegex("""(?<![\w."])(?<object>[A-Za-z][A-Za-z0-9_]*)\.[A-Za-z]""")]
    private static partial Regex QualifiedName();
}
