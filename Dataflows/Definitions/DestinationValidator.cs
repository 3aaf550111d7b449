using System.Text.Json;
using Scheduler.Dataflows.Destinations;

namespace Scheduler.Dataflows.Definitions;

/// <summary>Checks <c>$.destination</c>, whose allowed properties depend on its type.</summary>
internal static class DestinationValidator
{
    private static readonly string[] PostgreSqlProperties = ["type", "connection", "table", "createTable", "mode", "keyColumns"];
    private static readonly string[] FileProperties = ["type", "path"];

    public static void Validate(JsonObjectView document)
    {
        if (!document.TryGet("destination", out var element, required: true))
        {
            return;
        }

        var path = document.PathOf("destination");
        var problems = document.Problems;
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new DefinitionProblem(path, "the destination must be a JSON object"));
            return;
        }

        // The allowed properties depend on the type, so the type is read before the object is checked.
        var typeProbe = JsonObjectView.Open(element, path, null, [], "the destination")!;
        if (!typeProbe.TryGet("type", out _, required: false))
        {
            problems.Add(new DefinitionProblem(path + ".type", $"is required; valid: {string.Join(", ", Enum.GetNames<DestinationType>())}"));
            return;
        }

        var type = JsonObjectView.Open(element, path, null, problems, "the destination")!.OptionalEnum<DestinationType>("type");
        switch (type)
        {
            case DestinationType.PostgreSql:
                ValidatePostgreSql(JsonObjectView.Open(element, path, PostgreSqlProperties, problems, "a PostgreSql destination")!);
                break;
            case DestinationType.CsvFile or DestinationType.JsonLinesFile:
                var file = JsonObjectView.Open(element, path, FileProperties, problems, $"a {type} destination")!;
                if (file.RequireText("path") is { } filePath && OutsideProblem(filePath) is { } outside)
                {
                    file.Problem("path", outside);
                }

                break;
        }
    }

    // The path is taken from the job's folder when the dataflow runs, which also follows symbolic links; what the
    // text alone shows to leave that folder is refused here, where the author can still fix it.
    private static string? OutsideProblem(string path)
    {
        if (path[0] is '/' or '\\' || path.Contains(':', StringComparison.Ordinal))
        {
            return $"'{path}' is absolute; a destination path is relative to the job's folder, such as output/orders.csv";
        }

        return path.Split('/', '\\').Contains("..")
            ? $"'{path}' goes up with '..'; a destination path stays inside the job's folder, such as output/orders.csv"
            : null;
    }

    private static void ValidatePostgreSql(JsonObjectView postgres)
    {
        postgres.RequireText("connection");
        if (postgres.RequireText("table") is { } table && !TableName.TryParse(table, out _, out var tableError))
        {
            postgres.Problem("table", tableError);
        }

        postgres.OptionalBool("createTable");
        var mode = postgres.OptionalEnum<LoadMode>("mode");
        var keys = postgres.OptionalTextArray("keyColumns", required: mode == LoadMode.Upsert, nonEmpty: mode == LoadMode.Upsert);
        if (keys is not null && mode != LoadMode.Upsert && postgres.Has("mode"))
        {
            postgres.Problem("keyColumns", $"applies to mode {nameof(LoadMode.Upsert)} only");
        }
        else if (keys is not null && mode is null)
        {
            postgres.Problem("keyColumns", $"applies to mode {nameof(LoadMode.Upsert)} only; set mode to {nameof(LoadMode.Upsert)}");
        }

        if (keys?.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            postgres.Problem("keyColumns", $"'{duplicate.Key}' is listed twice");
        }
    }
}
