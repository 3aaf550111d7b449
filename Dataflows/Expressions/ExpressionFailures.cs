namespace Scheduler.Dataflows.Expressions;

/// <summary>Exceptions an expression throws because of the values it was given (a row rejects on them; a run does not fail).</summary>
internal static class ExpressionFailures
{
    public static bool IsRowFailure(Exception exception) =>
        exception is ArithmeticException or NullReferenceException or InvalidOperationException or ArgumentException or FormatException
            or IndexOutOfRangeException or InvalidCastException or System.Text.RegularExpressions.RegexMatchTimeoutException;
}
