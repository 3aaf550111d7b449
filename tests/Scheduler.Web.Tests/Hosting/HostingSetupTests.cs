using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Scheduler.Web.Hosting;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Web.Tests.Hosting;

/// <summary>The host's configuration is bound once and checked at start: a bad setting stops the service and names its key.</summary>
public sealed class HostingSetupTests
{
    [Fact]
    public async Task A_misspelt_connection_type_stops_the_service_at_start_and_names_the_key()
    {
        var start = () => RunningServer.StartAsync(new Dictionary<string, string>
        {
            ["Connections__OrdersFtp__Type"] = "Fpt",
            ["Connections__OrdersFtp__Host"] = "ftp.example.com",
        });

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message
            .Should().Contain("Connections:OrdersFtp:Type is 'Fpt'").And.Contain("Ftp, Ftps, Sftp, Local, PostgreSql");
    }

    [Fact]
    public void A_connection_without_the_settings_its_type_needs_stops_the_start_and_every_problem_names_its_key()
    {
        var start = () => StartHost(new()
        {
            ["Connections:OrdersFtp:Type"] = "Ftp",
            ["Connections:OrdersFtp:Port"] = "70000",
            ["Connections:Warehouse:Type"] = "PostgreSql",
            ["Connections:Partner:Path"] = "/srv/partner",
        });

        start.Should().Throw<OptionsValidationException>()
            .WithMessage("*Connections:OrdersFtp: *needs a Host*")
            .WithMessage("*Connections:OrdersFtp: *Port 70000*")
            .WithMessage("*Connections:Warehouse:ConnectionString is not set*")
            .WithMessage("*Connections:Partner:Type is not set*");
    }

    [Theory]
    [InlineData("Transfer:ReadTimeout", "00:00:00", "Transfer:ReadTimeout is 00:00:00")]
    [InlineData("Transfer:ReadTimeout", "02:00:00", "Transfer:ReadTimeout is 02:00:00")]
    [InlineData("Transfer:ConnectTimeout", "00:10:00", "Transfer:ConnectTimeout is 00:10:00")]
    [InlineData("Transfer:BufferSize", "100", "Transfer:BufferSize is 100")]
    [InlineData("Transfer:BufferSize", "33554432", "Transfer:BufferSize is 33554432")]
    public void A_transfer_setting_out_of_its_bounds_stops_the_start_and_names_the_key(string key, string value, string message)
    {
        var start = () => StartHost(new() { [key] = value });

        start.Should().Throw<OptionsValidationException>().WithMessage($"*{message}*");
    }

    [Fact]
    public void A_misspelt_setting_stops_the_start_naming_it_and_the_settings_it_could_be()
    {
        var start = () => StartHost(new()
        {
            ["Scheduler:JobRetenton"] = "7.00:00:00",
            ["Transfer:ReadTimout"] = "00:02:00",
            ["Connections:Drops:Type"] = "Local",
            ["Connections:Drops:Path"] = "/srv/drops",
            ["Connections:Drops:Pth"] = "/srv/other",
            ["Scheduler:DataProtectionKeysPath"] = "/srv/keys",
            ["Scheduler:DataProtectionKeysPath:Folder"] = "/srv/other",
        });

        start.Should().Throw<AggregateException>().Which.InnerExceptions.Select(e => e.Message).Should()
            .Contain(m => m.Contains("Scheduler:JobRetenton is not a setting; the settings of Scheduler are", StringComparison.Ordinal) && m.Contains("JobRetention", StringComparison.Ordinal))
            .And.Contain(m => m.Contains("Transfer:ReadTimout is not a setting", StringComparison.Ordinal) && m.Contains("ReadTimeout", StringComparison.Ordinal))
            .And.Contain(m => m.Contains("Connections:Drops:Pth is not a setting; the settings of Connections:Drops are", StringComparison.Ordinal))
            .And.Contain(m => m.Contains("Scheduler:DataProtectionKeysPath:Folder is not a setting; Scheduler:DataProtectionKeysPath takes one value", StringComparison.Ordinal));
    }

    [Fact]
    public void Transfer_settings_and_connections_reach_the_service_as_configured()
    {
        using var app = new SchedulerApp(SchedulerApp.WithSampleFiles(new Dictionary<string, string?>
        {
            ["Transfer:UseEpsv"] = "false",
            ["Transfer:ReadTimeout"] = "00:02:00",
        }));

        var transfer = app.Services.GetRequiredService<IOptions<TransferOptions>>().Value;

        transfer.UseEpsv.Should().BeFalse();
        transfer.ReadTimeout.Should().Be(TimeSpan.FromMinutes(2));
        app.Services.GetRequiredService<ConnectionCatalog>().ProblemWith("samplefiles", ["Local"])
            .Should().BeNull("connection names are matched in any case");
    }

    // A host with only the host's configuration: its start runs the same validation as the service's, and fails the
    // same way, without the race of an in-process web application whose start fails.
    private static void StartHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration["Scheduler:DefinitionsPath"] = SchedulerApp.RepositoryFolder("samples");
        builder.Services.AddHosting();
        using var host = builder.Build();
        host.Start();
    }
}
