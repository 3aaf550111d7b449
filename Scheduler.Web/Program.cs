using Scheduler.Web.Accounts;
using Scheduler.Web.Definitions;
using Scheduler.Web.Dashboard;
using Scheduler.Web.Health;
using Scheduler.Web.Hosting;
using Scheduler.Web.Http;
using Scheduler.Web.Jobs;
using Scheduler.Web.Schedules;

if (PasswordHashCommand.TryRun(args))
{
    return;
}

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
builder.Services.AddExceptionHandler<RequestBodyRefusedHandler>();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, WebJsonContext.Default));
builder.Services.AddHosting();
builder.Services.AddAccounts();
builder.Services.AddDashboard();
builder.Services.AddWorkflows();
builder.Services.AddDefinitions();
builder.Services.AddStorage(builder.Configuration);
builder.Services.AddJobs();
builder.Services.AddSchedules();
builder.Services.AddHealth();
builder.Services.AddApiDocumentation();
builder.Services.AddTelemetry(builder.Configuration);
builder.Services.AddWorkers();

var app = builder.Build();

app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseRouteAndQueryTextCheck();

if (app.ServesApi())
{
    app.MapAccounts();
    app.MapJobs();
    app.MapDefinitions();
    app.MapSchedules();
    app.MapDashboard();
    app.MapApiDocumentation(app.Environment);
}

app.MapHealth();
app.LogStartupSummary();

app.Run();

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
