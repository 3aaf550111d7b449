using System.Linq.Expressions;
using System.Reflection;

namespace Scheduler.Dataflows.Expressions;

/// <summary>
/// What a parsed expression may use, checked before it is compiled: operators, the values it is given, their
/// properties, and a fixed list of functions none of which loops over more than its inputs or builds a string larger
/// than its inputs hold. <c>Replace</c>, <c>PadLeft</c> and <c>PadRight</c> can, so they are swapped for
/// <see cref="GuardedStrings"/>. Anything else (<c>new string('a', 500000000)</c>, LINQ, <c>string.Format</c>, a
/// number's <c>ToString("D999999999")</c>) is refused, so that no expression can allocate or run without bound.
/// </summary>
internal sealed class ExpressionAllowlist : ExpressionVisitor
{
    /// <summary>Types whose members (properties, fields, methods) are all allowed, except formatting numbers.</summary>
    private static readonly HashSet<Type> OpenTypes =
    [
        typeof(bool), typeof(char), typeof(byte), typeof(sbyte), typeof(short), typeof(ushort), typeof(int), typeof(uint),
        typeof(long), typeof(ulong), typeof(float), typeof(double), typeof(decimal),
        typeof(DateTime), typeof(DateOnly), typeof(DateTimeOffset), typeof(TimeOnly), typeof(TimeSpan), typeof(Guid),
        typeof(Math), typeof(Convert),
    ];

    /// <summary>The values an expression may create with <c>new</c>: dates, times and numbers, of a fixed size.</summary>
    private static readonly HashSet<Type> Constructible =
        [typeof(DateTime), typeof(DateOnly), typeof(DateTimeOffset), typeof(TimeOnly), typeof(TimeSpan), typeof(Guid), typeof(decimal)];

    /// <summary>String members that return no more than their inputs hold, and stop at the end of them.</summary>
    private static readonly HashSet<string> StringMembers = new(StringComparer.Ordinal)
    {
        "Length", "Chars", "Empty", "Contains", "StartsWith", "EndsWith", "IndexOf", "LastIndexOf", "Substring", "Remove",
        "Insert", "ToUpper", "ToLower", "ToUpperInvariant", "ToLowerInvariant", "Trim", "TrimStart", "TrimEnd", "Split",
        "Equals", "CompareTo", "Compare", "CompareOrdinal", "Concat", "Join", "IsNullOrEmpty", "IsNullOrWhiteSpace", "ToString",
    };

    private static readonly HashSet<string> CollectionMembers = new(StringComparer.Ordinal) { "Count", "Item" };

    private static readonly HashSet<string> NullableMembers = new(StringComparer.Ordinal) { "HasValue", "Value", "GetValueOrDefault" };

    private static readonly HashSet<string> ObjectMembers = new(StringComparer.Ordinal) { "ToString", "Equals" };

    private ExpressionAllowlist()
    {
    }

    /// <summary>The expression with guarded functions swapped in.</summary>
    /// <exception cref="ExpressionException">It uses something expressions may not use, named in the message.</exception>
    public static Expression Apply(Expression body) => new ExpressionAllowlist().Visit(body);

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        var method = node.Method;
        if (GuardedStrings.For(method) is { } guard)
        {
            return Expression.Call(guard, [Visit(node.Object!), .. Visit(node.Arguments)]);
        }

        if (!IsAllowed(method))
        {
            throw Refused($"{Name(method.DeclaringType)}.{method.Name}");
        }

        return base.VisitMethodCall(node);
    }

    protected override Expression VisitMember(MemberExpression node)
    {
        if (!IsAllowedMember(node.Member.DeclaringType, node.Member.Name))
        {
            throw Refused($"{Name(node.Member.DeclaringType)}.{node.Member.Name}");
        }

        return base.VisitMember(node);
    }

    protected override Expression VisitIndex(IndexExpression node)
    {
        if (node.Indexer is { } indexer && !IsAllowedMember(indexer.DeclaringType, indexer.Name))
        {
            throw Refused($"the indexer of {Name(indexer.DeclaringType)}");
        }

        return base.VisitIndex(node);
    }

    protected override Expression VisitNew(NewExpression node) =>
        Constructible.Contains(node.Type)
            ? base.VisitNew(node)
            : throw new ExpressionException(
                $"'new {Name(node.Type)}(...)' is not allowed: an expression may create only {string.Join(", ", Constructible.Select(Name))} values.");

    protected override Expression VisitNewArray(NewArrayExpression node) =>
        node.NodeType == ExpressionType.NewArrayInit ? base.VisitNewArray(node) : throw Refused("an array of a computed size");

    protected override Expression VisitMemberInit(MemberInitExpression node) => throw Refused("an object initializer");

    protected override Expression VisitListInit(ListInitExpression node) => throw Refused("a collection initializer");

    protected override Expression VisitInvocation(InvocationExpression node) => throw Refused("calling a delegate");

    protected override Expression VisitDynamic(DynamicExpression node) => throw Refused("late binding");

    protected override Expression VisitLambda<T>(Expression<T> node) => throw Refused("a lambda");

    private static bool IsAllowed(MethodInfo method)
    {
        var type = method.DeclaringType;
        if (type == typeof(string) && method.Name == "Replace")
        {
            // Replace(char, char) keeps the length; the string overloads are guarded.
            return method.GetParameters()[0].ParameterType == typeof(char);
        }

        // A number's standard format takes a precision of up to 999,999,999 digits.
        if (method.Name == nameof(ToString) && IsNumber(type) && method.GetParameters().Any(p => p.ParameterType == typeof(string)))
        {
            return false;
        }

        // A property read through its getter (a string's indexer is get_Chars) is allowed as the property is.
        var name = method.IsSpecialName && method.Name.StartsWith("get_", StringComparison.Ordinal) ? method.Name[4..] : method.Name;
        return IsAllowedMember(type, name);
    }

    private static bool IsAllowedMember(Type? type, string name)
    {
        if (type is null)
        {
            return false;
        }

        if (OpenTypes.Contains(type))
        {
            return true;
        }

        if (type == typeof(string))
        {
            return StringMembers.Contains(name);
        }

        if (type == typeof(object))
        {
            return ObjectMembers.Contains(name);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Nullable<>))
        {
            return NullableMembers.Contains(name) || ObjectMembers.Contains(name);
        }

        return type.IsGenericType && CollectionMembers.Contains(name)
            && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>));
    }

    private static bool IsNumber(Type? type) =>
        type is not null && type != typeof(bool) && type != typeof(char) && (type.IsPrimitive || type == typeof(decimal));

    private static ExpressionException Refused(string what) => new(
        $"{what} is not allowed in an expression; it may use operators, its values and their properties, Math, Convert, "
        + "the members of numbers, dates, times, Guid and TimeSpan, and the string functions "
        + $"{string.Join(", ", StringMembers.Order(StringComparer.Ordinal))}, Replace, PadLeft, PadRight.");

    private static string Name(Type? type) => type is null ? "?" : ExpressionCompiler.Describe(type);
}
