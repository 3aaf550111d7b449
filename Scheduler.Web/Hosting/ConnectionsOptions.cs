using Microsoft.Extensions.Options;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Web.Hosting;

/// <summary>The <c>Connections</c> configuration section: each named connection's settings, names in any case.</summary>
internal sealed class ConnectionsOptions() : Dictionary<string, ConnectionSettings>(StringComparer.OrdinalIgnoreCase);

/// <summary>
/// Every connection has a type some task or dataflow knows, and the settings that type needs. A misspelt type would
/// otherwise show only as definitions naming it being invalid, and a missing host only when a job connects.
/// </summary>
internal sealed class ConnectionsValidator : IValidateOptions<ConnectionsOptions>
{
    /// <summary>The connection types: the file transfer protocols, PostgreSQL (RunSql, dataflows), Smtp (SendMail) and Http.</summary>
    public static IReadOnlyList<string> KnownTypes { get; } =
        [.. RemoteFilesFactory.KnownTypes, ConnectionCatalog.PostgreSql, ConnectionCatalog.Smtp, ConnectionCatalog.Http];

    public ValidateOptionsResult Validate(string? name, ConnectionsOptions options)
    {
        var failures = new List<string>();
        foreach (var (connection, settings) in options.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var key = $"{HostingSetup.ConnectionsSection}:{connection}";
            if (string.IsNullOrWhiteSpace(settings.Type))
            {
                failures.Add($"{key}:Type is not set; use one of {string.Join(", ", KnownTypes)}.");
            }
            else if (!KnownTypes.Contains(settings.Type, StringComparer.OrdinalIgnoreCase))
            {
                failures.Add($"{key}:Type is '{settings.Type}', which is not a connection type; use one of {string.Join(", ", KnownTypes)}.");
            }
            else if (RemoteFilesFactory.IsKnownType(settings.Type))
            {
                failures.AddRange(RemoteFilesFactory.Validate(connection, settings).Select(problem => $"{key}: {problem}"));
            }
            else if (settings.Type.Equals(ConnectionCatalog.Smtp, StringComparison.OrdinalIgnoreCase))
            {
                if (string.IsNullOrWhiteSpace(settings.Host))
                {
                    failures.Add($"{key}:Host is not set; an {ConnectionCatalog.Smtp} connection needs one.");
                }
            }
            else if (settings.Type.Equals(ConnectionCatalog.Http, StringComparison.OrdinalIgnoreCase))
            {
                if (!Uri.TryCreate(settings.BaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
                {
                    failures.Add($"{key}:BaseUrl is not an absolute http or https URL; an {ConnectionCatalog.Http} connection needs one.");
                }
            }
            else if (string.IsNullOrWhiteSpace(settings.ConnectionString))
            {
                failures.Add($"{key}:ConnectionString is not set; a {ConnectionCatalog.PostgreSql} connection needs one.");
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
