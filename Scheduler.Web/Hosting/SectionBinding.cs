using Microsoft.Extensions.Options;

namespace Scheduler.Web.Hosting;

internal static class SectionBinding
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to a configuration section once, validated at start with its own
    /// validators and <see cref="UnknownSettingsValidator{TOptions}"/>, so that a bad or misspelt key stops the service with its name.
    /// </summary>
    public static OptionsBuilder<TOptions> BindSection<TOptions>(this IServiceCollection services, string section)
        where TOptions : class
    {
        services.AddSingleton<IValidateOptions<TOptions>>(provider => new UnknownSettingsValidator<TOptions>(provider.GetRequiredService<IConfiguration>(), section));
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }
}
