namespace Scheduler.Workflows.Runs;

/// <summary>
/// Stands for an exception whose text held a secret value: the same message and details (type, stack, inner
/// exceptions) with the secrets masked, for logs and Hangfire's failed state, which store the text as it is.
/// </summary>
public sealed class RedactedException : Exception
{
    private readonly string? _details;

    public RedactedException()
    {
    }

    public RedactedException(string message)
        : base(message)
    {
    }

    public RedactedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RedactedException(string message, string details)
        : base(message) => _details = details;

    public override string ToString() => _details ?? base.ToString();
}
