using System.Reflection;
using Microsoft.Extensions.Options;

namespace Scheduler.Web.Hosting;

/// <summary>
/// Refuses a configuration key that no setting of its section has, at any depth, so that a misspelt
/// <c>Scheduler:JobRetenton</c> or <c>Transfer:ReadTimout</c> stops the start with the settings it could have meant,
/// instead of leaving the default in force without a word (the binder skips what it does not know).
/// </summary>
internal sealed class UnknownSettingsValidator<TOptions>(IConfiguration configuration, string section) : IValidateOptions<TOptions>
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

        if (TakesOneValue(type))
        {
            // The binder takes the key's own value and skips what is under it.
            failures.AddRange(section.GetChildren().Select(child => $"{child.Path} is not a setting; {section.Path} takes one value."));
            return;
        }

        var settings = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(IsBound).ToList();
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

    /// <summary>What the configuration binder binds: a property with a public setter, or one whose object it fills in place.</summary>
    private static bool IsBound(PropertyInfo property) =>
        property.GetIndexParameters().Length == 0
        && (property.SetMethod?.IsPublic == true || (property.GetMethod?.IsPublic == true && !TakesOneValue(property.PropertyType)));

    /// <summary>The type of the entries of a dictionary or a list (named connections, users, a user's roles); null for anything else.</summary>
    private static Type? EntryType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type == typeof(string))
        {
            return null;
        }

        var generic = type.GetInterfaces().Append(type).Where(i => i.IsGenericType).ToList();
        return (generic.FirstOrDefault(i => i.GetGenericTypeDefinition() == typeof(IDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))?.GetGenericArguments()[1])
            ?? generic.FirstOrDefault(i => i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }

    /// <summary>A setting of one value: text, a number, a switch, a duration, a choice.</summary>
    private static bool TakesOneValue(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsPrimitive || underlying.IsEnum || underlying == typeof(string) || underlying == typeof(TimeSpan);
    }
}
