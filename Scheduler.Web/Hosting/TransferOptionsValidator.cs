using Microsoft.Extensions.Options;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Web.Hosting;

/// <summary>The <c>Transfer</c> section's timeouts and buffer are within the bounds that README documents.</summary>
internal sealed class TransferOptionsValidator : IValidateOptions<TransferOptions>
{
    public static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxConnectTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxReadTimeout = TimeSpan.FromHours(1);
    public const int MinBufferSize = 4 * 1024;
    public const int MaxBufferSize = 16 * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, TransferOptions options)
    {
        var failures = new List<string>();
        Within(failures, nameof(TransferOptions.ConnectTimeout), options.ConnectTimeout, MaxConnectTimeout);
        Within(failures, nameof(TransferOptions.ReadTimeout), options.ReadTimeout, MaxReadTimeout);
        if (options.BufferSize is < MinBufferSize or > MaxBufferSize)
        {
            failures.Add($"{HostingSetup.TransferSection}:{nameof(TransferOptions.BufferSize)} is {options.BufferSize}; use {MinBufferSize} to {MaxBufferSize} bytes.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    private static void Within(List<string> failures, string setting, TimeSpan value, TimeSpan max)
    {
        if (value < MinTimeout || value > max)
        {
            failures.Add($"{HostingSetup.TransferSection}:{setting} is {value}; use {MinTimeout} to {max}.");
        }
    }
}
