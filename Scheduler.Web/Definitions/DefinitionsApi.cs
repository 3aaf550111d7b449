using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Scheduler.Web.Accounts;
using Scheduler.Web.Http;
using Scheduler.Workflows.Definitions;

namespace Scheduler.Web.Definitions;

/// <summary>Workflows and dataflows over the API: list, read (any version), save as a new version, delete, validate.</summary>
internal static class DefinitionsApi
{
    public static IEndpointRouteBuilder MapDefinitions(this IEndpointRouteBuilder routes)
    {
        MapKind(routes, "/api/workflows", DefinitionKind.Workflow, "Workflows");
        MapKind(routes, "/api/dataflows", DefinitionKind.Dataflow, "Dataflows");
        return routes;
    }

    private static void MapKind(IEndpointRouteBuilder routes, string prefix, DefinitionKind kind, string tag)
    {
        var group = routes.MapGroup(prefix).WithTags(tag).RequireAuthorization(Roles.CanRead);
        var label = kind.ToString().ToLowerInvariant();

        group.MapGet("/", async (DefinitionEditor editor, CancellationToken cancellationToken) =>
            TypedResults.Ok(await editor.ListAsync(kind, cancellationToken)));

        group.MapGet("/{name}", async Task<Results<Ok<DefinitionResponse>, ProblemHttpResult>> (
                string name, int? version, DefinitionEditor editor, CancellationToken cancellationToken) =>
                await editor.GetAsync(kind, name, version, cancellationToken) is { } found ? TypedResults.Ok(found) : Unknown(label, name, version))
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{name}/versions", async Task<Results<Ok<IReadOnlyList<DefinitionVersion>>, ProblemHttpResult>> (
                string name, DefinitionEditor editor, CancellationToken cancellationToken) =>
                await editor.HistoryAsync(kind, name, cancellationToken) is { Count: > 0 } history ? TypedResults.Ok(history) : Unknown(label, name, null))
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/validate", async Task<Results<Ok<DefinitionValidation>, ProblemHttpResult>> (
                HttpRequest request, DefinitionEditor editor, CancellationToken cancellationToken) =>
            {
                var (json, invalid) = await ReadDocumentAsync(request, cancellationToken);
                if (invalid is not null)
                {
                    return invalid;
                }

                var problems = await editor.CheckAsync(kind, json!, null, cancellationToken);
                return TypedResults.Ok(new DefinitionValidation(problems.Count == 0, problems));
            })
            .Accepts<object>("application/json");

        group.MapPut("/{name}", async Task<Results<Ok<DefinitionResponse>, ValidationProblem, ProblemHttpResult>> (
                string name, HttpRequest request, ClaimsPrincipal user, DefinitionEditor editor, CancellationToken cancellationToken) =>
            {
                var (json, invalid) = await ReadDocumentAsync(request, cancellationToken);
                if (invalid is not null)
                {
                    return invalid;
                }

                var save = await editor.SaveAsync(kind, name, json!, user.Identity?.Name, cancellationToken);
                if (save.Saved is not { } saved)
                {
                    return TypedResults.ValidationProblem(
                        save.Problems.GroupBy(p => p.Path).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()),
                        title: $"The {label} is invalid and was not saved");
                }

                return TypedResults.Ok((await editor.GetAsync(kind, saved.Name, saved.Version, cancellationToken))!);
            })
            .Accepts<object>("application/json")
            .RequireAuthorization(Roles.CanAdminister);

        group.MapDelete("/{name}", async Task<Results<NoContent, ProblemHttpResult>> (
                string name, ClaimsPrincipal user, DefinitionEditor editor, CancellationToken cancellationToken) =>
                await editor.DeleteAsync(kind, name, user.Identity?.Name, cancellationToken) ? TypedResults.NoContent() : Unknown(label, name, null))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Roles.CanAdminister);
    }

    private static Task<(string? Json, ProblemHttpResult? Problem)> ReadDocumentAsync(HttpRequest request, CancellationToken cancellationToken) =>
        JsonBody.ReadTextAsync(request, "send the definition as a JSON body with Content-Type: application/json", RequestLimits.DefinitionBytes, cancellationToken);

    private static ProblemHttpResult Unknown(string label, string name, int? version) =>
        TypedResults.Problem(
            title: $"Unknown {label}",
            detail: version is { } v ? $"The {label} '{name}' has no version {v}." : $"There is no {label} named '{name}'.",
            statusCode: StatusCodes.Status404NotFound);
}
