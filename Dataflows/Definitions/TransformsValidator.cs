using System.Text.Json;

namespace Scheduler.Dataflows.Definitions;

/// <summary>Checks the shape of <c>$.transforms</c>; what the expressions and column names refer to is checked after binding.</summary>
internal static class TransformsValidator
{
    private static readonly Dictionary<TransformType, string[]> Properties = new()
    {
        [TransformType.Filter] = ["type", "expression"],
        [TransformType.Derive] = ["type", "column", "expression", "columnType"],
        [TransformType.Select] = ["type", "columns", "rename"],
        [TransformType.Validate] = ["type", "rules"],
    };

    private static readonly string[] RuleProperties = ["column", "min", "max", "pattern", "allowed", "expression", "message"];

    public static void Validate(JsonObjectView document)
    {
        if (!document.TryGetArray("transforms", required: false, "transforms", out var transforms))
        {
            return;
        }

        var path = document.PathOf("transforms");

        var index = 0;
        foreach (var element in transforms.EnumerateArray())
        {
            ValidateTransform(element, $"{path}[{index}]", document.Problems);
            index++;
        }
    }

    private static void ValidateTransform(JsonElement element, string path, List<DefinitionProblem> problems)
    {
        var probe = JsonObjectView.Open(element, path, null, problems, "a transform");
        if (probe is null)
        {
            return;
        }

        if (!probe.Has("type"))
        {
            probe.Problem("type", $"is required; valid: {string.Join(", ", Enum.GetNames<TransformType>())}");
            return;
        }

        if (probe.OptionalEnum<TransformType>("type") is not { } type)
        {
            return;
        }

        var transform = JsonObjectView.Open(element, path, Properties[type], problems, $"a {type} transform")!;
        switch (type)
        {
            case TransformType.Filter:
                transform.RequireText("expression");
                break;
            case TransformType.Derive:
                transform.RequireText("column");
                transform.RequireText("expression");
                transform.OptionalEnum<ColumnType>("columnType");
                break;
            case TransformType.Select:
                transform.OptionalTextArray("columns", required: true, nonEmpty: true);
                ValidateRename(transform);
                break;
            case TransformType.Validate:
                ValidateRules(transform);
                break;
        }
    }

    private static void ValidateRename(JsonObjectView transform)
    {
        if (!transform.TryGet("rename", out var rename, required: false))
        {
            return;
        }

        if (rename.ValueKind != JsonValueKind.Object || rename.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(p.Value.GetString())))
        {
            transform.Problem("rename", "must be an object of old name to new name, such as { \"amount\": \"total\" }");
        }
    }

    private static void ValidateRules(JsonObjectView transform)
    {
        if (!transform.TryGet("rules", out var rules, required: true))
        {
            return;
        }

        if (rules.ValueKind != JsonValueKind.Array || rules.GetArrayLength() == 0)
        {
            transform.Problem("rules", "must be an array of at least one rule");
            return;
        }

        var index = 0;
        foreach (var element in rules.EnumerateArray())
        {
            var rule = JsonObjectView.Open(element, $"{transform.PathOf("rules")}[{index++}]", RuleProperties, transform.Problems, "a validation rule");
            if (rule is not null)
            {
                ValidateRule(rule);
            }
        }
    }

    private static void ValidateRule(JsonObjectView rule)
    {
        rule.OptionalText("message");
        var min = rule.OptionalNumber("min");
        var max = rule.OptionalNumber("max");
        var pattern = rule.OptionalText("pattern");
        rule.OptionalTextArray("allowed", nonEmpty: true);
        var expression = rule.OptionalText("expression");
        var kinds = new[] { rule.Has("min") || rule.Has("max"), rule.Has("pattern"), rule.Has("allowed"), rule.Has("expression") }.Count(k => k);
        if (kinds != 1)
        {
            rule.Problems.Add(new DefinitionProblem(rule.Path, "a rule has exactly one of: min/max (a range), pattern, allowed, expression"));
        }

        if (expression is null)
        {
            rule.RequireText("column");
        }
        else if (rule.Has("column"))
        {
            rule.Problem("column", "an expression rule names its columns in the expression");
        }

        if (min > max)
        {
            rule.Problem("min", $"min ({min}) is greater than max ({max})");
        }

        if (pattern is not null && ValidationPattern.TryCreate(pattern, out var patternProblem) is null)
        {
            rule.Problem("pattern", patternProblem!);
        }

        if (expression is not null && string.IsNullOrWhiteSpace(expression))
        {
            rule.Problem("expression", "must be a non-empty string");
        }
    }
}
