using Hangfire;
using Scheduler.Web.Accounts;
using Scheduler.Web.Hosting;
using Scheduler.Web.Http;
using Scheduler.Web.Jobs;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddProblemDetails();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, WebJsonContext.Default));
builder.Services.AddAccounts();
builder.Services.AddWorkflows();
builder.Services.AddConnections(builder.Configuration);
builder.Services.AddJobStorage(builder.Configuration);

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapAccounts();
app.MapJobs();
app.MapHangfireDashboard("/hangfire").AllowAnonymous();

app.Run();

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
