using System.Text;
using Scheduler.Dataflows.Definitions;
using Scheduler.Dataflows.Expressions;

namespace Scheduler.Dataflows.Transforms;

/// <summary>
/// The transforms of a definition compiled against the columns each one sees, with the columns that reach the
/// destination. Building it finds every unknown column, type error and bad reference before any data moves.
/// </summary>
internal sealed class DataflowPlan
{
    private DataflowPlan(IReadOnlyList<IRowTransform> transforms, IReadOnlyList<ColumnDefinition> outputColumns, int rowWidth)
    {
        Transforms = transforms;
        OutputColumns = outputColumns;
        RowWidth = rowWidth;
    }

    public IReadOnlyList<IRowTransform> Transforms { get; }

    /// <summary>The columns the destination receives, in order, with their types and names after every transform.</summary>
    public IReadOnlyList<ColumnDefinition> OutputColumns { get; }

    /// <summary>How many values a row buffer must hold for every step (derived columns are appended in place).</summary>
    public int RowWidth { get; }

    /// <summary>Every problem of the definition's transforms and destination columns, with JSON paths.</summary>
    public static IReadOnlyList<DefinitionProblem> Check(DataflowDefinition definition) => Build(definition, RunContext.None, out _);

    /// <param name="context">The job's values that expressions read as <c>Context.member</c>.</param>
    /// <exception cref="DataflowException">The definition has problems; the message lists them all.</exception>
    public static DataflowPlan Create(DataflowDefinition definition, RunContext context)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var problems = Build(definition, context, out var plan);
        return problems.Count == 0
            ? plan!
            : throw new DataflowException($"Dataflow '{definition.Name}' is not valid: {string.Join("; ", problems)}");
    }

    private static List<DefinitionProblem> Build(DataflowDefinition definition, RunContext context, out DataflowPlan? plan)
    {
        var problems = new List<DefinitionProblem>();
        var columns = definition.Source.Columns.ToList();
        var width = columns.Count;
        var transforms = new List<IRowTransform>();
        for (var i = 0; i < definition.Transforms.Count; i++)
        {
            var builder = new TransformBuilder(definition.Transforms[i], $"$.transforms[{i}]", columns, context, problems);
            if (builder.Build(width) is { } transform)
            {
                transforms.Add(transform);
            }

            width = Math.Max(width, columns.Count);
        }

        CheckKeyColumns(definition.Destination, columns, problems);
        plan = problems.Count == 0 ? new DataflowPlan(transforms, columns, width) : null;
        return problems;
    }

    private static void CheckKeyColumns(DestinationDefinition destination, List<ColumnDefinition> columns, List<DefinitionProblem> problems)
    {
        if (destination.Mode != LoadMode.Upsert || destination.Type != DestinationType.PostgreSql)
        {
            return;
        }

        if (destination.KeyColumns.Count == 0)
        {
            problems.Add(new DefinitionProblem("$.destination.keyColumns", "is required for mode Upsert"));
        }

        foreach (var key in destination.KeyColumns)
        {
            if (!columns.Any(c => string.Equals(c.Name, key, StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add(new DefinitionProblem("$.destination.keyColumns", $"'{key}' is not a column reaching the destination; columns: {string.Join(", ", columns.Select(c => c.Name))}"));
            }
        }
    }

    /// <summary>Compiles one transform against the current columns and updates them to what the transform outputs.</summary>
    private sealed class TransformBuilder(
        TransformDefinition transform, string path, List<ColumnDefinition> columns, RunContext context, List<DefinitionProblem> problems)
    {
        public IRowTransform? Build(int width) => transform.Type switch
        {
            TransformType.Filter => BuildFilter(),
            TransformType.Derive => BuildDerive(),
            TransformType.Select => BuildSelect(width),
            TransformType.Validate => BuildValidate(),
            _ => null,
        };

        private FilterTransform? BuildFilter()
        {
            var predicate = CompilePredicate(transform.Expression ?? "", $"{path}.expression");
            return predicate is null ? null : new FilterTransform(transform.Expression!, predicate);
        }

        private DeriveTransform? BuildDerive()
        {
            var name = transform.Column ?? "";
            if (Encoding.UTF8.GetByteCount(name) > DataflowDefinitionValidator.MaxIdentifierBytes)
            {
                problems.Add(new DefinitionProblem($"{path}.column", $"column name '{name}' is longer than {DataflowDefinitionValidator.MaxIdentifierBytes} bytes"));
                return null;
            }

            // A derived column may be null whatever its type, so the expression is converted to the nullable form.
            var expected = transform.ColumnType is { } declared ? ColumnClrTypes.Of(new ColumnDefinition { Name = name, Type = declared }) : null;
            var parsed = Parse(transform.Expression ?? "", $"{path}.expression", expected);
            if (parsed is null)
            {
                return null;
            }

            if (ColumnClrTypes.ColumnTypeOf(parsed.ResultType) is not { } type)
            {
                problems.Add(new DefinitionProblem(
                    $"{path}.expression", $"its value is a {ExpressionCompiler.Describe(parsed.ResultType)}, which no column can hold; valid: {string.Join(", ", ColumnTypeNames.All)}"));
                return null;
            }

            var column = new ColumnDefinition { Name = name, Type = type };
            var index = IndexOf(name);
            if (index < 0)
            {
                index = columns.Count;
                columns.Add(column);
            }
            else
            {
                columns[index] = column;
            }

            return new DeriveTransform(name, index, transform.Expression!, parsed.BuildDelegate<object?>());
        }

        private SelectTransform? BuildSelect(int width)
        {
            var indexes = new List<int>();
            var selected = new List<ColumnDefinition>();
            foreach (var name in transform.Columns)
            {
                var index = IndexOf(name);
                if (index < 0)
                {
                    problems.Add(new DefinitionProblem($"{path}.columns", $"unknown column '{name}'; columns: {Names()}"));
                }
                else if (indexes.Contains(index))
                {
                    problems.Add(new DefinitionProblem($"{path}.columns", $"'{name}' is selected twice"));
                }
                else
                {
                    indexes.Add(index);
                    selected.Add(columns[index]);
                }
            }

            foreach (var (from, to) in transform.Rename)
            {
                var position = selected.FindIndex(c => string.Equals(c.Name, from, StringComparison.OrdinalIgnoreCase));
                if (position < 0)
                {
                    problems.Add(new DefinitionProblem($"{path}.rename.{from}", $"'{from}' is not a selected column"));
                    continue;
                }

                selected[position] = selected[position] with { Name = to };
            }

            if (selected.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } clash)
            {
                problems.Add(new DefinitionProblem($"{path}.rename", $"two selected columns would be named '{clash.Key}'"));
            }

            columns.Clear();
            columns.AddRange(selected);
            return new SelectTransform([.. indexes], width);
        }

        private ValidateTransform BuildValidate()
        {
            var rules = new List<RowRule>();
            for (var i = 0; i < transform.Rules.Count; i++)
            {
                if (BuildRule(transform.Rules[i], $"{path}.rules[{i}]") is { } rule)
                {
                    rules.Add(rule);
                }
            }

            return new ValidateTransform(rules);
        }

        private RowRule? BuildRule(ValidationRule rule, string rulePath)
        {
            if (rule.Expression is not null)
            {
                return CompilePredicate(rule.Expression, $"{rulePath}.expression") is { } predicate ? RowRules.Expression(rule, predicate) : null;
            }

            var index = IndexOf(rule.Column ?? "");
            if (index < 0)
            {
                problems.Add(new DefinitionProblem($"{rulePath}.column", $"unknown column '{rule.Column}'; columns: {Names()}"));
                return null;
            }

            var type = columns[index].Type;
            if (rule.Min is not null || rule.Max is not null)
            {
                return ColumnClrTypes.IsNumeric(type) ? RowRules.Range(rule, index, type) : Mismatch(rulePath, "a range", "numeric", rule.Column!, type);
            }

            if (rule.Pattern is not null)
            {
                return type == ColumnType.String ? RowRules.Pattern(rule, index) : Mismatch(rulePath, "a pattern", "string", rule.Column!, type);
            }

            return RowRules.Allowed(rule, index);
        }

        private RowRule? Mismatch(string rulePath, string what, string kind, string column, ColumnType type)
        {
            problems.Add(new DefinitionProblem($"{rulePath}.column", $"{what} applies to {kind} columns, and '{column}' is a {ColumnTypeNames.Of(type)}"));
            return null;
        }

        private Func<object?[], bool>? CompilePredicate(string expression, string expressionPath)
        {
            var parsed = Parse(expression, expressionPath, null);
            if (parsed is null)
            {
                return null;
            }

            if (parsed.ResultType != typeof(bool) && parsed.ResultType != typeof(bool?))
            {
                problems.Add(new DefinitionProblem(expressionPath, $"'{expression}' is a {ExpressionCompiler.Describe(parsed.ResultType)}, not a bool"));
                return null;
            }

            return parsed.BuildPredicate();
        }

        private ParsedExpression? Parse(string expression, string expressionPath, Type? expected)
        {
            try
            {
                // The job's Context values follow the row's columns; they are the same for every row.
                var parameters = columns.Select(c => new ExpressionParameter(c.Name, ColumnClrTypes.Of(c)))
                    .Concat(RunContext.Members.Select(m => new ExpressionParameter($"{RunContext.Object}.{m.Name}", m.Type)))
                    .ToArray();
                return ExpressionCompiler.Parse(expression, parameters, expected)
                    .WithConstants(columns.Count, [.. context.Values.Select(v => v.Value)]);
            }
            catch (ExpressionException exception)
            {
                problems.Add(new DefinitionProblem(expressionPath, exception.Message));
                return null;
            }
        }

        private int IndexOf(string name) => columns.FindIndex(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

        private string Names() => string.Join(", ", columns.Select(c => c.Name));
    }
}
