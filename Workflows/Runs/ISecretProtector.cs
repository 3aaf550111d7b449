namespace Scheduler.Workflows.Runs;

/// <summary>
/// Encrypts secret values before they are stored, with keys kept apart from the database, so that a copy of the
/// database alone does not give them away. The host provides it (ASP.NET Core data protection).
/// </summary>
public interface ISecretProtector
{
    byte[] Protect(string value);

    /// <summary>The value; a <see cref="System.Security.Cryptography.CryptographicException"/> when the key that encrypted it is not available.</summary>
    string Unprotect(byte[] protectedValue);
}
