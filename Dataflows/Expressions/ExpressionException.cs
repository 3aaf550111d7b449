namespace Scheduler.Dataflows.Expressions;

/// <summary>An expression that does not compile (unknown name, type error, syntax) or whose evaluation failed.</summary>
public sealed class ExpressionException : Exception
{
    public ExpressionException()
    {
    }

    public ExpressionException(string message)
        : base(message)
    {
    }

    public ExpressionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ExpressionException(string message, int? position, string? identifier, Exception? innerException)
        : base(message, innerException)
    {
        Position = position;
        Identifier = identifier;
    }

    /// <summary>0-based index in the expression text where the problem was found, when known.</summary>
    public int? Position { get; }

    /// <summary>The unknown name, when the problem is one.</summary>
    public string? Identifier { get; }
}
