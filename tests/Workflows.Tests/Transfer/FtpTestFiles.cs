using Scheduler.Testing;
using Scheduler.Workflows.Connections;

namespace Scheduler.Workflows.Tests.Transfer;

/// <summary>Connections to the shared FTP server, and files put on it under a folder of their own per test.</summary>
internal static class FtpTestFiles
{
    public static FtpServer Server => FtpServer.Shared;

    public static ConnectionSettings Settings(string? password = null) => new()
    {
        Type = "Ftp",
        Host = Server.Host,
        Port = Server.Port,
        Username = Server.Username,
        Password = password ?? Server.Password,
    };

    /// <summary>A folder name no other test uses, so tests running in parallel never see each other's files.</summary>
    public static string UniqueFolder() => "t" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Bytes that differ at every position from a shifted copy, so an offset error shows in the content.</summary>
    public static byte[] Binary(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
