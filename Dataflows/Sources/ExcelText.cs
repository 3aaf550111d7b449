using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace Scheduler.Dataflows.Sources;

/// <summary>Reads the text of a cell or shared string in chunks, so that a text longer than Excel allows is refused before it is built.</summary>
internal static partial class ExcelText
{
    /// <summary>
    /// Appends the text of the element the reader is on (a <c>v</c> or <c>t</c>) and leaves the reader on its end;
    /// false, with the reader left where it stopped, once <paramref name="text"/> would pass <see cref="ExcelLimits.MaxCellCharacters"/>.
    /// </summary>
    public static bool TryAppend(XmlReader xml, StringBuilder text, char[] buffer)
    {
        if (xml.IsEmptyElement)
        {
            return true;
        }

        var depth = xml.Depth;
        while (xml.Read() && xml.Depth > depth)
        {
            if (xml.NodeType is not (XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace))
            {
                continue;
            }

            int read;
            while ((read = xml.ReadValueChunk(buffer, 0, buffer.Length)) > 0)
            {
                if (text.Length + read > ExcelLimits.MaxCellCharacters)
                {
                    return false;
                }

                text.Append(buffer, 0, read);
            }
        }

        return true;
    }

    /// <summary>The text with Excel's escapes of characters XML cannot hold (<c>_x000D_</c> for a carriage return) undone.</summary>
    public static string Decode(StringBuilder text)
    {
        var value = text.ToString();
        return value.Contains("_x", StringComparison.Ordinal)
            ? Escape().Replace(value, m => ((char)int.Parse(m.Groups[1].ValueSpan, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString())
            : value;
    }

    [GeneratedRegex("_x([0-9A-Fa-f]{4})_", RegexOptions.CultureInvariant)]
    private static partial Regex Escape();
}
