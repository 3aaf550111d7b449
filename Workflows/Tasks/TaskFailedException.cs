namespace Scheduler.Workflows.Tasks;

/// <summary>A task failed for a reason the user can act on; the message is shown as the step's error.</summary>
public class TaskFailedException : Exception
{
    public TaskFailedException(string message)
        : base(message)
    {
    }

    public TaskFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TaskFailedException()
    {
    }
}
