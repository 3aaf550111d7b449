using Renci.SshNet;
using Renci.SshNet.Common;

namespace Scheduler.Workflows.Transfer.Sftp;

/// <summary>How to log in to an SFTP server: a private key, a password, or both (the key is offered first).</summary>
internal sealed record SftpLogin(string Username, string? Password, string? PrivateKeyPath, string? PrivateKeyPassphrase)
{
    /// <summary>The SSH.NET authentication methods; a key file that cannot be read is a settings error naming the file.</summary>
    public AuthenticationMethod[] Methods()
    {
        var methods = new List<AuthenticationMethod>();
        if (!string.IsNullOrWhiteSpace(PrivateKeyPath))
        {
            methods.Add(new PrivateKeyAuthenticationMethod(Username, ReadKey(PrivateKeyPath)));
        }

        if (methods.Count == 0 || !string.IsNullOrEmpty(Password))
        {
            methods.Add(new PasswordAuthenticationMethod(Username, Password ?? ""));
        }

        return [.. methods];
    }

    private PrivateKeyFile ReadKey(string path)
    {
        try
        {
            return new PrivateKeyFile(path, string.IsNullOrEmpty(PrivateKeyPassphrase) ? null : PrivateKeyPassphrase);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RemoteConnectionSettingsException($"Cannot read the private key file '{path}': {exception.Message}", exception);
        }
        catch (Exception exception) when (exception is SshException or SshPassPhraseNullOrEmptyException or ArgumentException or InvalidOperationException)
        {
            // The message never contains the passphrase, only whether it was missing or wrong.
            throw new RemoteConnectionSettingsException($"The private key file '{path}' cannot be used: {exception.Message}", exception);
        }
    }
}
