using System.Globalization;
using System.Text;

namespace Scheduler.Dataflows.Bench;

/// <summary>
/// Writes the benchmark's orders file: the same bytes for the same row count on every machine (a fixed-seed
/// generator), with quoted fields, embedded delimiters, quotes and line breaks, empty (null) fields, decimals and
/// ISO 8601 timestamps with offsets.
/// </summary>
internal static class OrdersGenerator
{
    public const string Header = "id,customer,email,amount,quantity,created_at,country,active,note";

    private static readonly string[] Names = ["Alice Martin", "Schmidt, Johann", "Bob Jones", "Carla Rossi", "O'Brien & Sons", "Diego Fernández", "Hana Suzuki", "Lena Müller"];
    private static readonly string[] Countries = ["FR", "DE", "GB", "IT", "IE", "ES", "JP", "AT", "US", "BR"];
    private static readonly string[] Notes = ["", "First order", "Gift wrap, please", "Invoice \"net 30\"", "Call before delivery,\nask for the manager", "", "Express"];

    public static void Write(string path, long rows)
    {
        var random = new Random(20260301);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        writer.WriteLine(Header);
        var line = new StringBuilder(256);
        for (long id = 1; id <= rows; id++)
        {
            var name = Names[random.Next(Names.Length)];
            var offset = TimeSpan.FromHours(random.Next(-8, 10));
            var created = start.AddSeconds(random.Next(0, 90 * 24 * 3600)).ToOffset(offset);
            line.Clear()
                .Append(id.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Quote(name)).Append(',')
                .Append(random.Next(10) == 0 ? "" : $"user{id}@example.com").Append(',')
                .Append(random.Next(20) == 0 ? "" : (random.Next(1, 1_000_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture)).Append(',')
                .Append(random.Next(0, 50).ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(created.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)).Append(',')
                .Append(Countries[random.Next(Countries.Length)]).Append(',')
                .Append(random.Next(2) == 0 ? "true" : "false").Append(',')
                .Append(Quote(Notes[random.Next(Notes.Length)]));
            writer.WriteLine(line);
        }
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
