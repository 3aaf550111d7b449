using System.Text;

namespace Scheduler.Dataflows.Sources;

/// <summary>The text encodings a source may name. A byte order mark, where present, wins over the name.</summary>
internal static class SourceEncodings
{
    private static readonly Dictionary<string, Encoding> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["utf-8"] = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        ["latin1"] = Encoding.Latin1,
        ["iso-8859-1"] = Encoding.Latin1,
        ["utf-16"] = Encoding.Unicode,
        ["utf-16le"] = Encoding.Unicode,
        ["utf-16be"] = Encoding.BigEndianUnicode,
    };

    public static IEnumerable<string> Names => ByName.Keys;

    public static bool TryGet(string name, out Encoding encoding) => ByName.TryGetValue(name, out encoding!);

    public static bool IsUtf8(Encoding encoding) => encoding.CodePage == Encoding.UTF8.CodePage;
}
