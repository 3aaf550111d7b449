using System.Text;
using System.Text.Json;
using Scheduler.Dataflows.Json;

namespace Scheduler.Web.Http;

/// <summary>
/// Walks a JSON body once before anything parses it into objects: nesting deeper than
/// <see cref="RequestLimits.JsonDepth"/> and malformed JSON stop the walk, and every string or property name that
/// <see cref="InputText"/> refuses is reported under its path (<c>parameters[0].value</c>), so that such text never
/// reaches a binder or the storage.
/// </summary>
internal static class JsonInputCheck
{
    public static void Check(ReadOnlySpan<byte> json, ProblemList problems)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = RequestLimits.JsonDepth });
        var path = new List<Level>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        NextValue(path);
                        path.Add(new Level(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        path[^1].Property = CheckText(ref reader, path, problems, "the property name ") ?? "?";
                        break;
                    case JsonTokenType.String:
                        NextValue(path);
                        CheckText(ref reader, path, problems, "");
                        break;
                    default:
                        NextValue(path);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            problems.Add("body", $"the body is malformed JSON{JsonErrors.Describe(e)}");
        }
    }

    /// <summary>The path of the value the reader is on, in the form the serializer's errors use, without <c>$.</c>.</summary>
    private static string PathOf(List<Level> path)
    {
        var text = new StringBuilder();
        foreach (var level in path)
        {
            if (level.IsArray)
            {
                text.Append('[').Append(level.Index).Append(']');
            }
            else if (level.Property is { } property)
            {
                text.Append(text.Length > 0 ? "." : "").Append(property);
            }
        }

        return text.Length > 0 ? text.ToString() : "body";
    }

    private static string? CheckText(ref Utf8JsonReader reader, List<Level> path, ProblemList problems, string what)
    {
        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // The reader refuses to unescape a lone surrogate (\ud800) or to decode bytes that are not UTF-8.
            problems.Add(PathOf(path), $"{what}is not valid Unicode (a lone surrogate or bytes that are not UTF-8)");
            return null;
        }

        if (InputText.Problem(text) is { } problem)
        {
            problems.Add(PathOf(path), what + problem);
            return null;
        }

        return text;
    }

    private static void NextValue(List<Level> path)
    {
        if (path.Count > 0 && path[^1].IsArray)
        {
            path[^1].Index++;
        }
    }

    /// <summary>One level of nesting: an array and the index of its current item, or an object and its current property.</summary>
    private sealed class Level(bool isArray)
    {
        public bool IsArray { get; } = isArray;

        public int Index { get; set; } = -1;

        public string? Property { get; set; }
    }
}
