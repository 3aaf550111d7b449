namespace Scheduler.Dataflows;

/// <summary>A failure the user caused or can fix (bad input, unknown table, too many rejected rows). The message is shown as the step's error.</summary>
public class DataflowException : Exception
{
    public DataflowException()
    {
    }

    public DataflowException(string message)
        : base(message)
    {
    }

    public DataflowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
