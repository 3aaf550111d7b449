using System.Globalization;

namespace Scheduler.Workflows.Transfer.Ftp;

/// <summary>
/// Reads folder listings: MLSD lines (RFC 3659, machine-readable: <c>type=file;size=10; name</c>) where the server
/// offers them, otherwise the Unix <c>ls -l</c> lines that LIST returns on vsftpd, ProFTPD and most others.
/// Folders, links and lines that cannot be read are left out: a listing feeds downloads, which need files.
/// </summary>
internal static class FtpListing
{
    private const int UnixFieldCount = 9;

    public static RemoteFileEntry? ParseMlsdLine(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || space == line.Length - 1)
        {
            return null;
        }

        string? type = null;
        long size = 0;
        var modified = "";
        foreach (var fact in line[..space].Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = fact.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var name = fact[..equals];
            var value = fact[(equals + 1)..];
            if (name.Equals("type", StringComparison.OrdinalIgnoreCase))
            {
                type = value;
            }
            else if (name.Equals("size", StringComparison.OrdinalIgnoreCase))
            {
                _ = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out size);
            }
            else if (name.Equals("modify", StringComparison.OrdinalIgnoreCase))
            {
                modified = value;
            }
        }

        return string.Equals(type, "file", StringComparison.OrdinalIgnoreCase) ? new RemoteFileEntry(line[(space + 1)..], size) { Modified = modified } : null;
    }

    /// <summary><c>-rw-r--r--    1 1000     1000           10 Nov 28 05:00 orders.csv</c>: a file when the mode starts with '-'.</summary>
    public static RemoteFileEntry? ParseUnixLine(string line)
    {
        if (line.Length == 0 || line[0] != '-')
        {
            return null;
        }

        var fields = line.Split(' ', UnixFieldCount, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < UnixFieldCount
            || !long.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return null;
        }

        // The split keeps the rest of the line in the last field, so names with spaces survive.
        return new RemoteFileEntry(fields[8], size) { Modified = $"{fields[5]} {fields[6]} {fields[7]}" };
    }
}
