namespace Scheduler.Web.Http;

/// <summary>
/// The most a request may send, per kind of body, so that no request can make the service buffer, parse or store
/// more than it ever needs (README, API section, lists the same values). A body over its cap is a 413 problem.
/// </summary>
internal static class RequestLimits
{
    public const int LoginBytes = 4 * 1024;

    public const int RunRequestBytes = 64 * 1024;

    public const int ScheduleBytes = 64 * 1024;

    public const int DefinitionBytes = 1024 * 1024;

    /// <summary>
    /// Any POST to the dashboard: the Run form (a run request's worth of values) and Hangfire's own buttons (a page of
    /// job ids). The anti-forgery check reads the form before anything else, so the cap is set on the endpoint.
    /// </summary>
    public const int DashboardFormBytes = 64 * 1024;

    /// <summary>The deepest nesting of arrays and objects in any JSON body; the definitions need fewer than ten levels.</summary>
    public const int JsonDepth = 32;
}
