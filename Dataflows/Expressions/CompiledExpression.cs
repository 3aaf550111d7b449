namespace Scheduler.Dataflows.Expressions;

/// <summary>An expression compiled once to a delegate; evaluating it does not parse anything.</summary>
public sealed class CompiledExpression
{
    private readonly Func<object?[], object?> _evaluate;

    internal CompiledExpression(string text, IReadOnlyList<ExpressionParameter> parameters, IReadOnlyList<string> referencedParameters, Type resultType, Func<object?[], object?> evaluate)
    {
        Text = text;
        Parameters = parameters;
        ReferencedParameters = referencedParameters;
        ResultType = resultType;
        _evaluate = evaluate;
    }

    public string Text { get; }

    public IReadOnlyList<ExpressionParameter> Parameters { get; }

    /// <summary>The parameter names the expression actually uses, in parameter order.</summary>
    public IReadOnlyList<string> ReferencedParameters { get; }

    public Type ResultType { get; }

    /// <summary>Evaluates with <paramref name="values"/> given in parameter order.</summary>
    /// <exception cref="ExpressionException">A value does not fit its parameter's type, or the evaluation threw (division by zero, a member of null).</exception>
    public object? Evaluate(object?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != Parameters.Count)
        {
            throw new ExpressionException($"'{Text}' takes {Parameters.Count} values, {values.Length} were given.");
        }

        for (var i = 0; i < values.Length; i++)
        {
            var parameter = Parameters[i];
            var fits = values[i] is null
                ? !parameter.Type.IsValueType || Nullable.GetUnderlyingType(parameter.Type) is not null
                : parameter.Type.IsInstanceOfType(values[i]);
            if (!fits)
            {
                throw new ExpressionException(
                    $"'{parameter.Name}' is {(values[i] is null ? "null" : $"a {values[i]!.GetType().Name}")}, but '{Text}' needs a {ExpressionCompiler.Describe(parameter.Type)}.");
            }
        }

        try
        {
            return _evaluate(values);
        }
        catch (Exception exception) when (ExpressionFailures.IsRowFailure(exception))
        {
            throw new ExpressionException($"Evaluating '{Text}' failed: {ExpressionCompiler.DescribeRuntimeFailure(exception)}", exception);
        }
    }
}
