namespace Scheduler.Web.Accounts;

/// <summary>
/// The roles of this service and the authorization policies built on them: Admin may do everything, Operator runs,
/// cancels and retries jobs and manages schedules, Viewer only reads.
/// </summary>
internal static class Roles
{
    public const string Admin = "Admin";
    public const string Operator = "Operator";
    public const string Viewer = "Viewer";

    /// <summary>Every role, most powerful first.</summary>
    public static readonly IReadOnlyList<string> All = [Admin, Operator, Viewer];

    /// <summary>Policy: read jobs, schedules and definitions (every role).</summary>
    public const string CanRead = "CanRead";

    /// <summary>Policy: run, cancel and retry jobs; manage schedules (Admin, Operator).</summary>
    public const string CanOperate = "CanOperate";

    /// <summary>Policy: change definitions and everything else (Admin).</summary>
    public const string CanAdminister = "CanAdminister";
}
