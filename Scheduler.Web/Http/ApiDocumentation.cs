using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using Scheduler.Web.Accounts;

namespace Scheduler.Web.Http;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, with the bearer scheme and example bodies, and in Development an
/// interactive reference page at <c>/scalar</c>. The endpoints' typed results give the response shapes, their
/// <c>ProducesProblem</c> the 404s and 409s; the 401s and 403s follow from each endpoint's authorization here.
/// </summary>
internal static class ApiDocumentation
{
    public const string BearerScheme = "Bearer";

    // Request bodies as a user would send them in the canonical scenario, keyed by endpoint name.
    private static readonly Dictionary<string, string> ExampleBodies = new(StringComparer.Ordinal)
    {
        ["Login"] = """{"user":"admin","password":"Admin123","rememberMe":true}""",
        // The sample that works without configuration (the in-memory mode a first "try it" runs in).
        ["RunJob"] = """{"workflow":"local-orders-import","parameters":[{"actionName":"Variables","parameters":"sourceFilePath","value":"orders.csv"}]}""",
        ["SaveSchedule"] = """{"workflow":"local-orders-import","cron":"0 2 * * *","timeZone":"Europe/Berlin","parameters":[{"actionName":"Variables","parameters":"sourceFilePath","value":"orders.csv"}],"enabled":true}""",
    };

    public static IServiceCollection AddApiDocumentation(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Scheduler";
                document.Info.Description = "Run ETL workflows, follow their jobs step by step, and schedule them. Log in at POST /api/account/login and send the access_token as 'Authorization: Bearer ...'.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "The access_token returned by POST /api/account/login.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (!metadata.OfType<IAllowAnonymous>().Any())
                {
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
                    operation.Responses ??= [];
                    operation.Responses["401"] = new OpenApiResponse { Description = "No valid bearer token." };

                    // Every role may read; only the endpoints that ask for more refuse a role.
                    if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy is { } policy && policy != Roles.CanRead))
                    {
                        operation.Responses["403"] = new OpenApiResponse { Description = "The user's roles do not allow this." };
                    }
                }

                var name = metadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
                if (name is not null && ExampleBodies.TryGetValue(name, out var example)
                    && operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true)
                {
                    body.Example = JsonNode.Parse(example);
                }

                return Task.CompletedTask;
            });
        });

    public static IEndpointRouteBuilder MapApiDocumentation(this IEndpointRouteBuilder routes, IHostEnvironment environment)
    {
        routes.MapOpenApi().AllowAnonymous();
        if (environment.IsDevelopment())
        {
            routes.MapScalarApiReference(scalar => scalar.AddPreferredSecuritySchemes([BearerScheme])).AllowAnonymous();
        }

        return routes;
    }
}
