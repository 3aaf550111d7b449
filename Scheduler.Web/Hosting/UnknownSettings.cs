using System.Reflection;
using Microsoft.Extensions.Options;

namespace Scheduler.Web.Hosting;

/// <summary>
/// Refuses a configuration key that no setting of its section has, at any depth, so that a misspelt
/// <c>Scheduler:JobRetenton</c> or <c>Transfer:ReadTimout</c> stops the start with the settings it could have meant,
/// instead of leaving the default in force without a word (the binder skips what it does not know).
/// </summary>
internal sealed class UnknownSettings<TOptions>(IConfiguration configuration, string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = new List<string>();
        Check(configuration.GetSection(section), typeof(TOptions), failures);
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    private static void Check(IConfigurationSection section, Type type, List<string> failures)
    {
        if (EntryType(type) is { } entries)
        {
            foreach (var entry in section.GetChildren())
            {
                Check(entry, entries, failures);
            }

            return;
        }

        if (IsValue(type))
        {
            return;
        }

        var settings = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite || EntryType(p.PropertyType) is not null).ToList();
        foreach (var child in section.GetChildren())
        {
            if (settings.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase)) is { } setting)
            {
                Check(child, setting.PropertyType, failures);
            }
            else
            {
                failures.Add($"{child.Path} is not a setting; the settings of {section.Path} are {string.Join(", ", settings.Select(p => p.Name))}.");
            }
        }
    }

    /// <summary>The type of the entries of a dictionary or a list (named connections, users, a user's roles); null for anything else.</summary>
    private static Type? EntryType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type == typeof(string) ? null
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>))?.GetGenericArguments()[1]
            ?? type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    /// <summary>A setting that takes one value: text, a number, a duration, a switch.</summary>
    private static bool IsValue(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsPrimitive || underlying.IsEnum || underlying == typeof(string) || underlying == typeof(decimal)
            || underlying == typeof(TimeSpan) || underlying == typeof(DateTimeOffset) || underlying == typeof(Uri);
    }
}
