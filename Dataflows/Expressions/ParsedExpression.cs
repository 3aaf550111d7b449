using System.Linq.Expressions;

namespace Scheduler.Dataflows.Expressions;

/// <summary>A type-checked expression; the delegate reads each parameter it uses from a values array, by parameter index.</summary>
internal sealed class ParsedExpression(Expression body, Type resultType, IReadOnlyList<string> referencedParameters, IReadOnlyList<(ParameterExpression Variable, int Index)> bindings)
{
    public Type ResultType { get; } = resultType;

    public IReadOnlyList<string> ReferencedParameters { get; } = referencedParameters;

    /// <summary>For a bool or bool? expression: true only when the value is true (a null condition does not hold).</summary>
    public Func<object?[], bool> BuildPredicate() => ResultType == typeof(bool?)
        ? Build<bool>(Expression.Equal(body, Expression.Constant(true, typeof(bool?))))
        : BuildDelegate<bool>();

    public Func<object?[], T> BuildDelegate<T>() => Build<T>(body);

    private Func<object?[], T> Build<T>(Expression result)
    {
        var values = Expression.Parameter(typeof(object?[]), "values");
        var steps = new List<Expression>(bindings.Count + 1);
        foreach (var (variable, index) in bindings)
        {
            steps.Add(Expression.Assign(variable, Expression.Convert(Expression.ArrayIndex(values, Expression.Constant(index)), variable.Type)));
        }

        steps.Add(result.Type == typeof(T) ? result : Expression.Convert(result, typeof(T)));
        var block = Expression.Block(typeof(T), bindings.Select(b => b.Variable), steps);
        return Expression.Lambda<Func<object?[], T>>(block, values).Compile();
    }
}
