using System.Linq.Expressions;

namespace Scheduler.Dataflows.Expressions;

/// <summary>A type-checked expression; the delegate reads each parameter it uses from a values array, by parameter index.</summary>
internal sealed class ParsedExpression(Expression body, Type resultType, IReadOnlyList<string> referencedParameters, IReadOnlyList<(ParameterExpression Variable, int Index)> bindings)
{
    // Parameters from this index on are the same for every evaluation (a dataflow's Context values): they are compiled
    // in as constants instead of being read from the values array, whose length is then the row's own.
    private int _firstConstant = int.MaxValue;
    private IReadOnlyList<object?> _constants = [];

    public Type ResultType { get; } = resultType;

    public IReadOnlyList<string> ReferencedParameters { get; } = referencedParameters;

    /// <summary>For a bool or bool? expression: true only when the value is true (a null condition does not hold).</summary>
    public Func<object?[], bool> BuildPredicate() => ResultType == typeof(bool?)
        ? Build<bool>(Expression.Equal(body, Expression.Constant(true, typeof(bool?))))
        : BuildDelegate<bool>();

    public Func<object?[], T> BuildDelegate<T>() => Build<T>(body);

    /// <summary>Makes the parameters from <paramref name="firstIndex"/> on constants with these values, for the delegates built next.</summary>
    public ParsedExpression WithConstants(int firstIndex, IReadOnlyList<object?> values)
    {
        _firstConstant = firstIndex;
        _constants = values;
        return this;
    }

    private Func<object?[], T> Build<T>(Expression result)
    {
        var values = Expression.Parameter(typeof(object?[]), "values");
        var steps = new List<Expression>(bindings.Count + 1);
        foreach (var (variable, index) in bindings)
        {
            var value = index >= _firstConstant
                ? Expression.Constant(_constants[index - _firstConstant], typeof(object))
                : (Expression)Expression.ArrayIndex(values, Expression.Constant(index));
            steps.Add(Expression.Assign(variable, Expression.Convert(value, variable.Type)));
        }

        steps.Add(result.Type == typeof(T) ? result : Expression.Convert(result, typeof(T)));
        var block = Expression.Block(typeof(T), bindings.Select(b => b.Variable), steps);
        return Expression.Lambda<Func<object?[], T>>(block, values).Compile();
    }
}
