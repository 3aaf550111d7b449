using System.Reflection;

namespace Scheduler.Dataflows.Expressions;

/// <summary>
/// The string functions whose result can be far larger than their inputs (<c>"a".PadLeft(500000000)</c>, a chain of
/// <c>Replace</c> calls each multiplying the length), with their result's length checked before it is built: an
/// expression that would build more than <see cref="ExpressionLimits.MaxBuiltStringLength"/> characters fails (the
/// row is rejected, the Decision fails) instead of allocating.
/// </summary>
internal static class GuardedStrings
{
    /// <summary>The guarded stand-in for <paramref name="method"/>, or null when it needs none.</summary>
    public static MethodInfo? For(MethodInfo method) =>
        method.DeclaringType == typeof(string) && !method.IsStatic && method.Name is nameof(Replace) or nameof(PadLeft) or nameof(PadRight)
            ? typeof(GuardedStrings).GetMethod(method.Name, [typeof(string), .. method.GetParameters().Select(p => p.ParameterType)])
            : null;

    public static string Replace(string text, string oldValue, string? newValue)
    {
        var growth = (newValue?.Length ?? 0) - oldValue.Length;
        if (growth > 0 && oldValue.Length > 0)
        {
            long length = text.Length;
            for (var at = text.IndexOf(oldValue, StringComparison.Ordinal); at >= 0; at = text.IndexOf(oldValue, at + oldValue.Length, StringComparison.Ordinal))
            {
                length += growth;
            }

            Check(text, length);
        }

        return text.Replace(oldValue, newValue);
    }

    public static string PadLeft(string text, int totalWidth) => Check(text, totalWidth).PadLeft(totalWidth);

    public static string PadLeft(string text, int totalWidth, char paddingChar) => Check(text, totalWidth).PadLeft(totalWidth, paddingChar);

    public static string PadRight(string text, int totalWidth) => Check(text, totalWidth).PadRight(totalWidth);

    public static string PadRight(string text, int totalWidth, char paddingChar) => Check(text, totalWidth).PadRight(totalWidth, paddingChar);

    private static string Check(string text, long resultLength) =>
        resultLength <= Math.Max(text.Length, ExpressionLimits.MaxBuiltStringLength)
            ? text
            : throw new ArgumentException(
                $"it would build a string of {resultLength} characters; an expression may build at most {ExpressionLimits.MaxBuiltStringLength} (ExpressionLimits.MaxBuiltStringLength)");
}
