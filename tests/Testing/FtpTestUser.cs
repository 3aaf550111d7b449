using System.Security.Cryptography;
using System.Text;

namespace Scheduler.Testing;

/// <summary>
/// The local system user that the vsftpd and sshd fixtures log in as: both servers authenticate real accounts
/// (vsftpd also wants a shell listed in /etc/shells), and both drop to that user, so the folders the tests write must
/// be writable by it. Created on first use (tests run as root, as CI does).
/// </summary>
public static class FtpTestUser
{
    public const string Name = "scheduler-ftp";

    private static readonly Lazy<string> SharedPassword = new(Ensure, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// The user's password: derived from the machine id, so that concurrent test processes agree on it, yet nobody
    /// who only knows this source can log in as the user on a machine whose real sshd is reachable.
    /// </summary>
    public static string Password => SharedPassword.Value;

    /// <summary>Writes a file under <paramref name="root"/>, creating folders the test user may write into.</summary>
    public static string WriteFile(string root, string relativePath, byte[] content)
    {
        var path = Path.Combine(root, relativePath);
        CreateFolder(root, Path.GetDirectoryName(relativePath) ?? "");
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Creates <paramref name="relativePath"/> under <paramref name="root"/> with every new folder writable by all.</summary>
    public static string CreateFolder(string root, string relativePath)
    {
        var folder = root;
        foreach (var segment in relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            folder = Path.Combine(folder, segment);
            if (!Directory.Exists(folder))
            {
                Directory.CreateDirectory(folder);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(folder, OpenFolderMode);
                }
            }
        }

        return folder;
    }

    /// <summary>rwx for everyone: the test process is root, the servers act as the test user.</summary>
    public static UnixFileMode OpenFolderMode =>
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static string Ensure()
    {
        if (!string.Equals(Environment.UserName, "root", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The vsftpd and sshd test servers need a local user '{Name}', which only root can create; run the tests as root (as CI does).");
        }

        var password = DerivePassword();
        try
        {
            ServerProcess.Run("/usr/bin/id", "-u", Name);
        }
        catch (InvalidOperationException)
        {
            try
            {
                ServerProcess.Run("/usr/sbin/useradd", "--no-create-home", "--home-dir", "/", "--shell", "/bin/bash", Name);
            }
            catch (InvalidOperationException) when (Exists())
            {
                // Another test process created it at the same moment.
            }
        }

        ServerProcess.RunWithInput("/usr/sbin/chpasswd", $"{Name}:{password}\n");
        return password;
    }

    private static bool Exists()
    {
        try
        {
            ServerProcess.Run("/usr/bin/id", "-u", Name);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string DerivePassword()
    {
        var machine = File.Exists("/etc/machine-id") ? File.ReadAllText("/etc/machine-id").Trim() : Environment.MachineName;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"scheduler test user {Name} on {machine}"));
        return "T" + Convert.ToHexString(hash)[..24].ToLowerInvariant();
    }
}
