using Microsoft.Extensions.Options;

namespace Scheduler.Web.Hosting;

/// <summary>Makes the configured paths absolute against the content root, and finds the samples when none is set.</summary>
internal sealed class SchedulerPathsResolver(IHostEnvironment environment) : IPostConfigureOptions<SchedulerOptions>
{
    public void PostConfigure(string? name, SchedulerOptions options)
    {
        options.WorkingDirectory = Path.GetFullPath(options.WorkingDirectory, environment.ContentRootPath);
        options.DefinitionsPath = options.DefinitionsPath is { Length: > 0 } path
            ? Path.GetFullPath(path, environment.ContentRootPath)
            : FindSamples(environment.ContentRootPath) ?? FindSamples(AppContext.BaseDirectory) ?? Path.Combine(environment.ContentRootPath, "samples");
    }

    private static string? FindSamples(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            var samples = Path.Combine(folder.FullName, "samples");
            if (Directory.Exists(Path.Combine(samples, "workflows")))
            {
                return samples;
            }
        }

        return null;
    }
}
