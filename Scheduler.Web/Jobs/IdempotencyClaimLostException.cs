namespace Scheduler.Web.Jobs;

/// <summary>
/// A run request took so long between claiming its <c>Idempotency-Key</c> and making its job that a later request
/// with the key took the claim over; the job of the slow request is not made.
/// </summary>
internal sealed class IdempotencyClaimLostException : Exception
{
    public IdempotencyClaimLostException(string key)
        : base($"the claim on the Idempotency-Key '{key}' was taken over by a later request with it")
    {
    }

    public IdempotencyClaimLostException()
    {
    }

    public IdempotencyClaimLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Whether <paramref name="exception"/> is, or was caused by, a lost claim (Hangfire wraps what a filter throws).</summary>
    public static bool Caused(Exception exception) =>
        exception is IdempotencyClaimLostException
        || (exception is AggregateException aggregate ? aggregate.InnerExceptions.Any(Caused) : exception.InnerException is { } inner && Caused(inner));
}
