using System.Diagnostics.CodeAnalysis;

namespace Scheduler.Workflows.Runs;

/// <summary>
/// Where the values of secret run parameters are kept, out of the queue's job arguments and out of job records:
/// those carry a reference (<c>***:{id}</c>) that reads as masked wherever it shows, and the worker reveals it
/// just before binding.
/// </summary>
public interface ISecretValues
{
    /// <summary>Keeps a value and returns the reference that stands for it.</summary>
    Task<string> KeepAsync(string value, CancellationToken cancellationToken);

    /// <summary>The value a reference stands for; null when it is unknown.</summary>
    Task<string?> RevealAsync(Guid id, CancellationToken cancellationToken);
}

/// <summary>The form of a reference to a secret value, and the mask shown in its place.</summary>
public static class SecretReference
{
    public const string Mask = "***";

    private const string Prefix = Mask + ":";

    public static string For(Guid id) => Prefix + id.ToString("N");

    public static bool TryParse([NotNullWhen(true)] string? value, out Guid id)
    {
        id = Guid.Empty;
        return value is not null && value.StartsWith(Prefix, StringComparison.Ordinal) && Guid.TryParseExact(value[Prefix.Length..], "N", out id);
    }

    /// <summary>The value to show: the mask for a reference, anything else as it is.</summary>
    public static string? Masked(string? value) => TryParse(value, out _) ? Mask : value;
}
