using System.Globalization;
using System.Text;
using Hangfire.Dashboard;
using Scheduler.Web.Dashboard.Graph;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Tasks;
using static Scheduler.Web.Dashboard.Graph.SvgText;

namespace Scheduler.Web.Dashboard.WorkflowViews;

/// <summary>
/// One workflow (with a link to its Run form for an Operator or Admin when it can run): its task graph, its variables (a secret one's default is never shown), the task inputs a run may
/// override, and its versions with a diff between two of them. An invalid workflow is drawn as far as it can be read,
/// with its problems.
/// </summary>
internal sealed class WorkflowPage : IDashboardDispatcher
{
    public async Task Dispatch(DashboardContext context)
    {
        var name = context.UriMatch.Groups["name"].Value;
        var http = context.GetHttpContext();
        var (status, html) = await RenderAsync(context, name, http.RequestServices, http.RequestAborted);
        await DashboardPage.RenderAsync(context, status, name, $"<div class=\"row\"><div class=\"col-md-12\">{html}</div></div>");
    }

    private static async Task<(int Status, string Html)> RenderAsync(DashboardContext context, string name, IServiceProvider services, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IDefinitionStore>();
        if (await store.FindAsync(DefinitionKind.Workflow, name, null, cancellationToken) is not { Document: { } document } latest)
        {
            return (StatusCodes.Status404NotFound, $"<h1 class=\"page-header\">{E(name)}</h1><p class=\"alert alert-warning\">There is no workflow named '{E(name)}'.</p>");
        }

        var url = new UrlHelper(context);

        // The catalog has checked the latest version already; checking it again would compile every Decision's expression.
        var catalog = services.GetRequiredService<WorkflowCatalog>();
        await catalog.RefreshAsync(cancellationToken);
        var valid = catalog.TryGet(latest.Name, out var checkedWorkflow);
        var draft = valid ? null : WorkflowDefinitionLoader.Load(document);
        var problems = valid ? [] : catalog.ProblemsOf(latest.Name) ?? draft!.Problems;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h1 class=\"page-header\" id=\"workflow-name\">{E(latest.Name)}</h1>")
            .Append(CultureInfo.InvariantCulture, $"<p>Version <span id=\"workflow-version\">{latest.Version}</span>, saved {WorkflowStepsRenderer.Time(latest.CreatedAt)}")
            .Append(latest.CreatedBy is { } by ? $" by {E(by)}" : "")
            .Append(valid ? ". <span class=\"label label-success\" id=\"workflow-valid\">valid</span>" : ". <span class=\"label label-danger\" id=\"workflow-valid\">invalid</span>")
            .Append(valid && !context.IsReadOnly ? RunFormPage.Link(url, latest.Name) : "")
            .Append("</p>");
        if (!valid)
        {
            html.Append("<div class=\"alert alert-danger workflow-problems\"><p>This workflow cannot run:</p><ul>")
                .AppendJoin("", problems.Select(p => $"<li><code>{E(p.Path)}</code> {E(p.Message)}</li>"))
                .Append("</ul></div>");
        }

        if ((valid ? checkedWorkflow : draft!.Draft) is { } workflow)
        {
            var tasks = services.GetRequiredService<TaskRegistry>();
            if (workflow.Description is { Length: > 0 } description)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p class=\"workflow-description\">{E(description)}</p>");
            }

            var svg = GraphSvg.Render(GraphLayout.Of(workflow, tasks.ReadsFrom), statusOf: null, child => url.To($"{DashboardViews.WorkflowsPath}/{Uri.EscapeDataString(child)}"));
            html.Append(CultureInfo.InvariantCulture, $"<h3 id=\"workflow-graph-title\">Task graph</h3><div class=\"workflow-drawing\">{svg}</div>")
                .Append(Variables(workflow))
                .Append(Overridable(workflow));
        }

        var history = await store.HistoryAsync(DefinitionKind.Workflow, latest.Name, cancellationToken);
        html.Append(await VersionHistoryView.RenderAsync(store, latest.Name, history, context.Request.GetQuery("from"), context.Request.GetQuery("to"), cancellationToken));
        return (StatusCodes.Status200OK, html.ToString());
    }

    private static string Variables(WorkflowDefinition workflow)
    {
        var html = new StringBuilder("<h3 id=\"workflow-variables\">Variables</h3>");
        if (workflow.Variables.Count == 0)
        {
            return html.Append("<p class=\"text-muted\">This workflow has no variables.</p>").ToString();
        }

        html.Append("<div class=\"table-responsive\"><table class=\"table table-condensed workflow-variables\"><thead><tr>")
            .Append("<th>Name</th><th>Type</th><th>Default</th><th>Required</th><th>Secret</th><th>Description</th></tr></thead><tbody>");
        foreach (var variable in workflow.Variables)
        {
            // A secret's default is a password or a token written into the document: never shown, only that there is one.
            var shown = variable switch
            {
                { Default: null } => "",
                { Secret: true } => "<span class=\"text-muted\">(hidden)</span>",
                { Default: { } value } => $"<code>{E(value.GetRawText())}</code>",
            };
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"workflow-variable\" data-variable=\"{E(variable.Name)}\"><td>{E(variable.Name)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{E(variable.Type.ToName())}</td><td class=\"variable-default\">{shown}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{(variable.Required ? "yes" : "no")}</td><td>{(variable.Secret ? "yes" : "no")}</td><td>{E(variable.Description ?? "")}</td></tr>");
        }

        return html.Append("</tbody></table></div>").ToString();
    }

    private static string Overridable(WorkflowDefinition workflow)
    {
        var html = new StringBuilder("<h3 id=\"workflow-overridable\">Task inputs a run may set</h3>");
        var inputs = workflow.Tasks.SelectMany(t => t.Overridable.Select(input => (Task: t, Input: input))).ToList();
        if (inputs.Count == 0)
        {
            return html.Append("<p class=\"text-muted\">None: a run sets only the variables.</p>").ToString();
        }

        html.Append("<div class=\"table-responsive\"><table class=\"table table-condensed workflow-overridable\"><thead><tr>")
            .Append("<th>Task</th><th>Input</th><th>Value in the definition</th></tr></thead><tbody>");
        foreach (var (task, input) in inputs)
        {
            var value = task.Inputs.TryGetValue(input, out var written) ? $"<code>{E(written)}</code>" : "<span class=\"text-muted\">(not set)</span>";
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"workflow-input\" data-task=\"{E(task.Name)}\" data-input=\"{E(input)}\"><td>{E(task.Name)}</td><td>{E(input)}</td><td>{value}</td></tr>");
        }

        return html.Append("</tbody></table></div>").ToString();
    }
}
