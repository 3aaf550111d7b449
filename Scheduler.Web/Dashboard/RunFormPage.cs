using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Text;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Antiforgery;
using Scheduler.Web.Jobs;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Web.Dashboard;

/// <summary>
/// The dashboard's Run form (<c>/hangfire/workflows/{name}/run</c>): one field per variable and overridable task
/// input, checked and launched by <see cref="JobLauncher"/> exactly as <c>POST /api/jobs</c> is, the problems shown
/// next to their fields, and on success a redirect to the new job's page. Operators and Admins only: a Viewer sees
/// no form and is refused a post. Hangfire's dashboard middleware refuses any POST without the anti-forgery token.
/// </summary>
internal sealed class RunFormPage : IDashboardDispatcher
{
    /// <summary>The hidden field that makes a second click on Run (or a re-sent post) open the first job rather than make another.</summary>
    public const string RunKeyField = "runKey";

    public const string Route = "/workflows/(?<name>[^/]+)/run";

    public static string PathOf(string workflow) => $"/workflows/{Uri.EscapeDataString(workflow)}/run";

    /// <summary>The button that opens a workflow's Run form, for the pages an Operator starts a run from.</summary>
    public static string Link(UrlHelper urls, string workflow) =>
        $" <a class=\"btn btn-default btn-xs run-link\" href=\"{WebUtility.HtmlEncode(urls.To(PathOf(workflow)))}\">Run now…</a>";

    public async Task Dispatch(DashboardContext context)
    {
        var http = context.GetHttpContext();
        var cancellationToken = http.RequestAborted;
        var name = context.UriMatch.Groups["name"].Value;
        var workflows = http.RequestServices.GetRequiredService<WorkflowCatalog>();
        await workflows.RefreshAsync(cancellationToken);
        if (!workflows.TryGet(name, out var workflow))
        {
            await RenderAsync(context, StatusCodes.Status404NotFound, name, Cannot(name, workflows.ProblemsOf(name)?.Select(p => p.ToString())));
            return;
        }

        var fields = RunForm.Fields(workflow, http.RequestServices.GetRequiredService<TaskRegistry>());
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            var body = context.IsReadOnly ? ReadOnly(workflow, fields) : Form(context, workflow, fields, null, FrozenDictionary<string, IReadOnlyList<string>>.Empty, Guid.NewGuid().ToString("N"));
            await RenderAsync(context, StatusCodes.Status200OK, name, body);
            return;
        }

        if (context.IsReadOnly)
        {
            await RenderAsync(context, StatusCodes.Status403Forbidden, name, ReadOnly(workflow, fields));
            return;
        }

        if (!http.Request.HasFormContentType)
        {
            await RenderAsync(context, StatusCodes.Status415UnsupportedMediaType, name, Cannot(name, ["send the Run form as a form post"]));
            return;
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var runKey = Guid.TryParseExact(form[RunKeyField].ToString(), "N", out var key) ? key.ToString("N") : Guid.NewGuid().ToString("N");
        var (request, sources) = RunForm.Request(workflow.Name, fields, form);
        var launch = await http.RequestServices.GetRequiredService<JobLauncher>().LaunchAsync(request, $"dashboard-run:{runKey}", http.User.Identity?.Name, cancellationToken);
        if (launch.JobId is { } jobId)
        {
            http.Response.StatusCode = StatusCodes.Status303SeeOther;
            http.Response.Headers.Location = new UrlHelper(context).JobDetails(jobId);
            return;
        }

        var problems = launch.Conflict is { } conflict
            ? new Dictionary<string, string[]> { [RunForm.General] = [$"{conflict}: reload the page to run again with other values"] }
            : launch.Problems;
        var status = launch.Conflict is null ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict;
        await RenderAsync(context, status, name, Form(context, workflow, fields, form, RunForm.ProblemsByField(problems, sources, form), runKey));
    }

    private static Task RenderAsync(DashboardContext context, int status, string workflow, string body) =>
        DashboardPage.RenderAsync(context, status, $"Run {workflow}", body);

    private static string Form(
        DashboardContext context,
        WorkflowDefinition workflow,
        IReadOnlyList<RunFormField> fields,
        IFormCollection? posted,
        IReadOnlyDictionary<string, IReadOnlyList<string>> problems,
        string runKey)
    {
        var http = context.GetHttpContext();
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        var html = new StringBuilder(Heading(workflow));
        if (problems.TryGetValue(RunForm.General, out var general))
        {
            html.Append("<div class=\"alert alert-danger\" id=\"run-problems\" role=\"alert\">").Append(List(general)).Append("</div>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{E(new UrlHelper(context).To(PathOf(workflow.Name)))}\" id=\"run-form\" novalidate>")
            .Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken ?? "")}\">")
            .Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{RunKeyField}\" value=\"{E(runKey)}\">");
        if (fields.Count == 0)
        {
            html.Append("<p class=\"text-muted\">This workflow has no variables or overridable inputs to set.</p>");
        }

        foreach (var field in fields)
        {
            // A secret typed in is never sent back: the page would carry it, and the browser might keep it.
            var value = field.Secret ? "" : posted?[field.Key].ToString() ?? "";
            html.Append(Field(field, value, problems.GetValueOrDefault(field.Key) ?? []));
        }

        return html.Append("<button type=\"submit\" class=\"btn btn-primary\" id=\"run-submit\">Run</button></form>").ToString();
    }

    private static string Field(RunFormField field, string value, IReadOnlyList<string> problems)
    {
        var id = $"run-{field.Key}";
        var traits = string.Join(", ", new[] { field.Type.ToName(), field.Required ? "required" : null, field.Secret ? "secret" : null }.OfType<string>());
        var hint = field switch
        {
            { Secret: true, Default: not null } => "Leave blank for the default.",
            { Default: { } d, ActionName: WorkflowObjects.Variables } => $"Leave blank for the default: {d}",
            { Default: { } d } => $"Leave blank for the workflow's value: {d}",
            { Required: true } => "",
            _ => "Leave blank to leave it unset.",
        };
        var html = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<div class=\"form-group{(problems.Count > 0 ? " has-error" : "")}\" data-field=\"{E(field.Key)}\">")
            .Append(CultureInfo.InvariantCulture, $"<label class=\"control-label\" for=\"{E(id)}\">{E(field.Key)} <small class=\"text-muted\">{E(traits)}</small></label>")
            .Append(Input(field, id, value))
            .Append(string.Concat(new[] { field.Description, hint }.Where(t => !string.IsNullOrEmpty(t)).Select(t => $"<p class=\"help-block\">{E(t!)}</p>")));
        if (problems.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"help-block field-problems\" id=\"problems-{E(field.Key)}\" role=\"alert\">{List(problems)}</div>");
        }

        return html.Append("</div>").ToString();
    }

    private static string Input(RunFormField field, string id, string value)
    {
        var common = $"class=\"form-control\" id=\"{E(id)}\" name=\"{E(field.Key)}\"{(field.Required ? " aria-required=\"true\"" : "")}";
        if (field.Type == ScalarType.Bool)
        {
            var blank = field switch
            {
                { Default: null } => "(not set)",
                { Secret: true } => "(default)",
                { Default: { } d } => $"(default: {d})",
            };
            var options = new[] { ("", blank), ("true", "true"), ("false", "false") };
            return $"<select {common}>{string.Concat(options.Select(o =>
                $"<option value=\"{o.Item1}\"{(string.Equals(o.Item1, value, StringComparison.OrdinalIgnoreCase) ? " selected" : "")}>{E(o.Item2)}</option>"))}</select>";
        }

        var (type, mode, placeholder) = field switch
        {
            { Secret: true } => ("password", "", ""),
            { Type: ScalarType.Int } => ("text", " inputmode=\"numeric\"", "42"),
            { Type: ScalarType.Decimal } => ("text", " inputmode=\"decimal\"", "12.50"),
            { Type: ScalarType.DateTime } => ("text", "", "2026-01-31T02:00:00Z"),
            { Type: ScalarType.StringList } => ("text", "", "one value, or a JSON list: [\"a\",\"b\"]"),
            _ => ("text", "", ""),
        };
        var autocomplete = field.Secret ? "new-password" : "off";
        return $"<input {common} type=\"{type}\"{mode} autocomplete=\"{autocomplete}\" placeholder=\"{E(placeholder)}\" value=\"{E(value)}\">";
    }

    private static string ReadOnly(WorkflowDefinition workflow, IReadOnlyList<RunFormField> fields) =>
        $"{Heading(workflow)}<p class=\"alert alert-info\" id=\"run-not-allowed\">Only Operators and Admins can run workflows; " +
        $"this workflow takes {(fields.Count == 0 ? "no parameters" : E(string.Join(", ", fields.Select(f => f.Key))))}.</p>";

    private static string Cannot(string workflow, IEnumerable<string>? problems) =>
        $"<h1 class=\"page-header\">Run {E(workflow)}</h1><div class=\"alert alert-danger\" id=\"run-problems\" role=\"alert\">" +
        (problems is null ? $"There is no workflow named '{E(workflow)}'." : $"The workflow cannot run: {List([.. problems])}") + "</div>";

    private static string Heading(WorkflowDefinition workflow) =>
        $"<h1 class=\"page-header\">Run {E(workflow.Name)}</h1>" + (workflow.Description is { } d ? $"<p class=\"lead\">{E(d)}</p>" : "");

    private static string List(IReadOnlyList<string> messages) => $"<ul>{string.Concat(messages.Select(m => $"<li>{E(m)}</li>"))}</ul>";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
