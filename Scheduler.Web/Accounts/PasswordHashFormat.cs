using System.Buffers.Binary;

namespace Scheduler.Web.Accounts;

/// <summary>
/// Checks that a configured hash has the shape of ASP.NET Core Identity's format, so that a pasted-wrong hash stops the
/// service at start instead of silently refusing that user's every login.
/// </summary>
internal static class PasswordHashFormat
{
    private const byte Version2 = 0x00;
    private const byte Version3 = 0x01;
    private const int Version2Length = 1 + 16 + 32;
    private const int Version3HeaderLength = 1 + 4 + 4 + 4;
    private const int MinimumSaltLength = 16;
    private const int MinimumSubkeyLength = 16;

    /// <summary>What is wrong with the hash, or null when it is well formed.</summary>
    public static string? ProblemWith(string? hash)
    {
        if (string.IsNullOrWhiteSpace(hash))
        {
            return "is missing";
        }

        var bytes = new byte[hash.Length];
        if (!Convert.TryFromBase64String(hash.Trim(), bytes, out var length))
        {
            return "is not Base64";
        }

        var data = bytes.AsSpan(0, length);
        return data switch
        {
            [Version2, ..] when data.Length == Version2Length => null,
            [Version3, ..] when data.Length >= Version3HeaderLength => Version3Problem(data),
            _ => "is not in ASP.NET Core Identity's password hash format",
        };
    }

    private static string? Version3Problem(ReadOnlySpan<byte> data)
    {
        var prf = BinaryPrimitives.ReadUInt32BigEndian(data[1..]);
        var iterations = BinaryPrimitives.ReadUInt32BigEndian(data[5..]);
        var saltLength = BinaryPrimitives.ReadUInt32BigEndian(data[9..]);
        if (prf > 2 || iterations == 0 || saltLength < MinimumSaltLength || saltLength > data.Length - Version3HeaderLength - MinimumSubkeyLength)
        {
            return "is not in ASP.NET Core Identity's password hash format (its header does not fit its length)";
        }

        return null;
    }
}
