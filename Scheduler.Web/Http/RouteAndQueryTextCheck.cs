namespace Scheduler.Web.Http;

/// <summary>
/// Refuses a request whose route values or query string hold text that <see cref="InputText"/> refuses (a NUL
/// from <c>%00</c>), with a 400 problem naming each value, before an endpoint can pass it to the storage. JSON bodies
/// get the same check from <see cref="JsonBody"/>. Kestrel itself refuses a <c>%00</c> in the path (a bare 400);
/// route values are checked all the same, so that the rule holds behind any server or proxy that decodes the path.
/// </summary>
internal static class RouteAndQueryTextCheck
{
    public static IApplicationBuilder UseRouteAndQueryTextCheck(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var problems = new ProblemList();
        foreach (var (name, value) in context.Request.RouteValues)
        {
            Check(name, value as string, problems);
        }

        foreach (var (name, values) in context.Request.Query)
        {
            Check(name, name, problems);
            foreach (var value in values)
            {
                Check(name, value, problems);
            }
        }

        if (problems.Count > 0)
        {
            await TypedResults.ValidationProblem(problems.ToDictionary(), title: "The request's path or query string is invalid").ExecuteAsync(context);
            return;
        }

        await next(context);
    });

    private static void Check(string name, string? text, ProblemList problems)
    {
        if (text is not null && InputText.Problem(text) is { } problem)
        {
            problems.Add(InputText.Problem(name) is null ? name : "query", problem);
        }
    }
}
