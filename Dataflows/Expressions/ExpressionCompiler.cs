using System.Linq.Expressions;
using System.Text.RegularExpressions;
using DynamicExpresso;
using DynamicExpresso.Exceptions;

namespace Scheduler.Dataflows.Expressions;

/// <summary>
/// The product's one expression language: C# expressions (operators, literals, <c>?:</c>, <c>??</c>, methods of the
/// values and of Math, Convert, DateTime, DateOnly, DateTimeOffset, Guid, TimeSpan), compiled once to a delegate.
/// Assignment, reflection and anything outside <see cref="ExpressionAllowlist"/> are refused, and the text is held to
/// <see cref="ExpressionLimits"/> before it is parsed.
/// </summary>
public static partial class ExpressionCompiler
{
    /// <summary>Compiles <paramref name="expression"/> over <paramref name="parameters"/>.</summary>
    /// <param name="expectedResultType">When given, the result is converted to it, and an expression that cannot be is refused.</param>
    /// <exception cref="ExpressionException">Syntax errors, unknown names and type errors, with the position and the name.</exception>
    public static CompiledExpression Compile(string expression, IReadOnlyList<ExpressionParameter> parameters, Type? expectedResultType = null)
    {
        var parsed = Parse(expression, parameters, expectedResultType);
        return new CompiledExpression(expression, parameters, parsed.ReferencedParameters, parsed.ResultType, parsed.BuildDelegate<object?>());
    }

    /// <summary>Parses and type-checks; <see cref="ParsedExpression.BuildDelegate{T}"/> then gives an unboxed delegate for per-row use.</summary>
    internal static ParsedExpression Parse(string expression, IReadOnlyList<ExpressionParameter> parameters, Type? expectedResultType)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw new ExpressionException("The expression is empty.");
        }

        ExpressionLimits.Check(expression);

        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        var declared = new Parameter[parameters.Count];
        for (var i = 0; i < parameters.Count; i++)
        {
            var name = parameters[i].Name;
            var identifier = ParameterNameRewriter.IsIdentifier(name) ? name : $"__p{i}";
            if (identifier != name)
            {
                aliases[name] = identifier;
            }

            declared[i] = new Parameter(identifier, parameters[i].Type);
        }

        var rewriter = ParameterNameRewriter.Rewrite(expression, aliases);
        Lambda lambda;
        try
        {
            // Not InterpreterOptions.Default: it brings System.Linq.Enumerable, whose Range and Repeat loop without bound.
            var interpreter = new Interpreter(InterpreterOptions.PrimitiveTypes | InterpreterOptions.SystemKeywords)
                .Reference(typeof(Math))
                .Reference(typeof(Convert))
                .Reference(typeof(DateOnly))
                .Reference(typeof(DateTimeOffset))
                .Reference(typeof(TimeOnly))
                .EnableAssignment(AssignmentOperators.None);
            lambda = expectedResultType is null
                ? interpreter.Parse(rewriter.Rewritten, declared)
                : interpreter.Parse(rewriter.Rewritten, expectedResultType, declared);
        }
        catch (UnknownIdentifierException exception)
        {
            var position = rewriter.OriginalPosition(exception.Position);
            var name = rewriter.DottedNameAt(position);
            var known = parameters.Count == 0 ? "none" : string.Join(", ", parameters.Select(p => p.Name));
            throw new ExpressionException(
                $"Unknown name '{name}' at position {position} of '{expression}'. Known names: {known}.", position, name, exception);
        }
        catch (ParseException exception)
        {
            var position = rewriter.OriginalPosition(exception.Position);
            throw new ExpressionException(
                $"'{expression}' does not compile at position {position}: {AtIndexSuffix().Replace(exception.Message, "")}.", position, null, exception);
        }

        var used = lambda.UsedParameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var referenced = new List<string>();
        var bindings = new List<(ParameterExpression Variable, int Index)>();
        for (var i = 0; i < declared.Length; i++)
        {
            if (used.Contains(declared[i].Name))
            {
                referenced.Add(parameters[i].Name);
                bindings.Add((declared[i].Expression, i));
            }
        }

        return new ParsedExpression(ExpressionAllowlist.Apply(lambda.Expression), lambda.ReturnType, referenced, bindings);
    }

    internal static string Describe(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            return Describe(underlying) + "?";
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "bool",
            TypeCode.Int32 => "int",
            TypeCode.Int64 => "long",
            TypeCode.Decimal => "decimal",
            TypeCode.Double => "double",
            TypeCode.String => "string",
            _ => type.Name,
        };
    }

    internal static string DescribeRuntimeFailure(Exception exception) => exception switch
    {
        NullReferenceException => "a value it uses is null",
        InvalidOperationException when exception.Message.Contains("Nullable object", StringComparison.Ordinal) => "a value it uses is null",
        _ => exception.Message,
    };

    [GeneratedRegex(@"\s*\(at index \d+\)\.?$")]
    private static partial Regex AtIndexSuffix();
}
