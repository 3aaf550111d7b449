namespace Scheduler.Workflows.Transfer.Ftp;

/// <summary>A server reply: the three-digit code and the text of all its lines (RFC 959, 4.2).</summary>
internal sealed record FtpReply(int Code, string Message)
{
    /// <summary>1xx: the action started, another reply follows.</summary>
    public bool IsPreliminary => Code is >= 100 and < 200;

    /// <summary>2xx: the action completed.</summary>
    public bool IsCompletion => Code is >= 200 and < 300;

    /// <summary>3xx: the server waits for the next command (PASS after USER, RETR after REST).</summary>
    public bool IsIntermediate => Code is >= 300 and < 400;

    public override string ToString() => $"{Code} {Message}";
}
