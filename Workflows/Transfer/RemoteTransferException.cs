namespace Scheduler.Workflows.Transfer;

/// <summary>
/// A transfer failed for a reason outside this process: the server, the network, the remote file or the settings.
/// The message names the server and/or the file, never a password.
/// </summary>
public class RemoteTransferException : Exception
{
    public RemoteTransferException()
    {
    }

    public RemoteTransferException(string message)
        : base(message)
    {
    }

    public RemoteTransferException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The server refused the user name or password (FTP 530).</summary>
public sealed class RemoteLoginRefusedException : RemoteTransferException
{
    public RemoteLoginRefusedException()
    {
    }

    public RemoteLoginRefusedException(string message)
        : base(message)
    {
    }

    public RemoteLoginRefusedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The remote file does not exist or cannot be read (FTP 550).</summary>
public sealed class RemoteFileNotFoundException : RemoteTransferException
{
    public RemoteFileNotFoundException()
    {
    }

    public RemoteFileNotFoundException(string message)
        : base(message)
    {
    }

    public RemoteFileNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The server (or local folder) could not be reached, or stopped answering within the timeout.</summary>
public sealed class RemoteServerUnreachableException : RemoteTransferException
{
    public RemoteServerUnreachableException()
    {
    }

    public RemoteServerUnreachableException(string message)
        : base(message)
    {
    }

    public RemoteServerUnreachableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The local copy does not have the size the server reported: a short (or overlong) transfer.</summary>
public sealed class RemoteSizeMismatchException : RemoteTransferException
{
    public RemoteSizeMismatchException()
    {
    }

    public RemoteSizeMismatchException(string message)
        : base(message)
    {
    }

    public RemoteSizeMismatchException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A remote path was refused before any I/O: empty, with <c>..</c>, a drive letter or a control character.</summary>
public sealed class RemotePathRejectedException : RemoteTransferException
{
    public RemotePathRejectedException()
    {
    }

    public RemotePathRejectedException(string message)
        : base(message)
    {
    }

    public RemotePathRejectedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A connection's settings cannot work: unknown type, missing host or folder, bad port.</summary>
public sealed class RemoteConnectionSettingsException : RemoteTransferException
{
    public RemoteConnectionSettingsException()
    {
    }

    public RemoteConnectionSettingsException(string message)
        : base(message)
    {
    }

    public RemoteConnectionSettingsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The server's identity did not check out: an untrusted or unpinned TLS certificate, or an SSH host key that differs from the pinned one.</summary>
public sealed class RemoteServerNotTrustedException : RemoteTransferException
{
    public RemoteServerNotTrustedException()
    {
    }

    public RemoteServerNotTrustedException(string message)
        : base(message)
    {
    }

    public RemoteServerNotTrustedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
