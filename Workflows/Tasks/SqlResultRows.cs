using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Scheduler.Workflows.Tasks;

/// <summary>
/// The rows of a result set as RunSql reports them: each row a JSON object text, at most <see cref="MaxRows"/> rows
/// and <see cref="MaxChars"/> characters in all, because outputs are stored with the job and shown in its details;
/// the first value of the first row also as a number (for a Decision such as <c>RunSql1.firstValue > 0</c>) and as text.
/// </summary>
public sealed record SqlResultRows(IReadOnlyList<string> Rows, bool Truncated, decimal? FirstNumber, string? FirstText)
{
    public const int MaxRows = 100;
    public const int MaxChars = 64 * 1024;

    public static async Task<SqlResultRows> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<string>();
        var chars = 0;
        object? first = null;
        var truncated = false;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (rows.Count == 0 && reader.FieldCount > 0)
            {
                first = reader.GetValue(0);
            }

            var row = RowJson(reader);
            if (rows.Count == MaxRows || chars + row.Length > MaxChars)
            {
                // The rest of the result set is left unread: one more row is all it takes to know that there are more.
                truncated = true;
                break;
            }

            rows.Add(row);
            chars += row.Length;
        }

        var text = first is null or DBNull ? null : Text(first);
        return new(rows, truncated, Number(first), text is { Length: > MaxChars } ? text[..MaxChars] : text);
    }

    private static string RowJson(NpgsqlDataReader reader)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                json.WritePropertyName(reader.GetName(i));
                switch (reader.GetValue(i))
                {
                    // A function returning void (pg_advisory_lock, pg_sleep) gives null rather than DBNull.
                    case null or DBNull:
                        json.WriteNullValue();
                        break;
                    case bool b:
                        json.WriteBooleanValue(b);
                        break;
                    case var value when Number(value) is { } number:
                        json.WriteNumberValue(number);
                        break;
                    case var value:
                        json.WriteStringValue(Text(value));
                        break;
                }
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static decimal? Number(object? value) => value switch
    {
        short or int or long or byte or decimal => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
        float f when float.IsFinite(f) && Math.Abs(f) < 7.9e28f => (decimal)f,
        double d when double.IsFinite(d) && Math.Abs(d) < 7.9e28 => (decimal)d,
        _ => null,
    };

    private static string Text(object value) => value switch
    {
        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
