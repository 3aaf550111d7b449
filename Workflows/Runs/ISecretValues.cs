using System.Diagnostics.CodeAnalysis;

namespace Scheduler.Workflows.Runs;

/// <summary>
/// Where the values of secret run parameters are kept, encrypted, out of the queue's job arguments and out of job
/// records: those carry a reference (<c>***:{id}</c>) that reads as masked wherever it shows. Each value belongs to
/// one owner (<see cref="SecretOwner"/>): the job it was given to, or the schedule whose runs use it; only a job of
/// that owner gets the value back to run with.
/// </summary>
public interface ISecretValues
{
    /// <summary>
    /// Keeps a value for <paramref name="owner"/> and returns the reference that stands for it. A null owner is the job
    /// about to be made, which becomes the owner with <see cref="ClaimAsync"/> (or on its first run).
    /// </summary>
    Task<string> KeepAsync(string value, string? owner, CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="owner"/> the owner of the values that have none yet.</summary>
    Task ClaimAsync(IReadOnlyCollection<Guid> ids, string owner, CancellationToken cancellationToken);

    /// <summary>
    /// The value for a job to run with: only when it belongs to one of <paramref name="owners"/>; one without owner
    /// becomes the first one's. Null when it is unknown, deleted or another's.
    /// </summary>
    Task<string?> RevealForAsync(Guid id, IReadOnlyList<string> owners, CancellationToken cancellationToken);

    /// <summary>The value of a reference that the service itself recorded (to mask it, or to retry its job); null when deleted.</summary>
    Task<string?> RevealAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Marks the values of <paramref name="owner"/> (a schedule replaced or deleted) for deletion after the retention.</summary>
    Task ReleaseAsync(string owner, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The owners whose names start with <paramref name="prefix"/> and who hold values not released.</summary>
    Task<IReadOnlyList<string>> HoldersAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the values of <paramref name="owners"/> (purged jobs), and those released or left without owner
    /// before <paramref name="before"/>; returns how many went.
    /// </summary>
    Task<int> PurgeAsync(IReadOnlyCollection<string> owners, DateTimeOffset before, CancellationToken cancellationToken);
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
