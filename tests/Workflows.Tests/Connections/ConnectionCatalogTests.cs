using Scheduler.Dataflows;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Workflows.Tests.Connections;

public sealed class ConnectionCatalogTests
{
    private const string Secret = "s3cr3t-pa55";

    private readonly ConnectionCatalog _catalog = new(new Dictionary<string, ConnectionSettings>
    {
        ["OrdersFtp"] = new() { Type = "Ftp", Host = "ftp.example.com", Port = 2121, Username = "orders", Password = Secret },
        ["Warehouse"] = new() { Type = "PostgreSql", ConnectionString = $"Host=db;Username=loader;Password={Secret}" },
        ["SampleFiles"] = new() { Type = "Local", Path = "/srv/samples" },
        ["Broken"] = new() { Type = "PostgreSql", Password = Secret },
    });

    [Fact]
    public void A_configured_connection_is_found_case_insensitively()
    {
        _catalog.Get("ordersftp", "file transfer").Host.Should().Be("ftp.example.com");
    }

    [Fact]
    public void An_unknown_connection_names_the_configured_ones()
    {
        var get = () => _catalog.Get("OrderFtp", "file transfer");

        get.Should().Throw<TaskFailedException>().WithMessage(
            "the file transfer connection 'OrderFtp' is not configured; set Connections:OrderFtp:Type and its settings (configured: Broken, OrdersFtp, SampleFiles, Warehouse)");
    }

    [Fact]
    public void An_empty_catalog_says_none_are_configured()
    {
        var get = () => new ConnectionCatalog(new Dictionary<string, ConnectionSettings>()).GetPostgreSqlConnectionString("Warehouse");

        get.Should().Throw<DataflowException>().WithMessage("*'Warehouse' is not configured*(configured: none)");
    }

    [Fact]
    public void The_connection_string_of_a_PostgreSql_connection_is_returned()
    {
        _catalog.GetPostgreSqlConnectionString("warehouse").Should().Be($"Host=db;Username=loader;Password={Secret}");
    }

    [Theory]
    [InlineData("OrdersFtp", "the connection 'OrdersFtp' is not a PostgreSql connection with a ConnectionString (it is Ftp orders@ftp.example.com:2121)")]
    [InlineData("SampleFiles", "the connection 'SampleFiles' is not a PostgreSql connection with a ConnectionString (it is Local /srv/samples)")]
    [InlineData("Broken", "the connection 'Broken' is not a PostgreSql connection with a ConnectionString (it is PostgreSql)")]
    public void A_connection_that_is_not_PostgreSql_is_a_clear_error_without_the_password(string name, string message)
    {
        var get = () => _catalog.GetPostgreSqlConnectionString(name);

        var error = get.Should().Throw<DataflowException>().Which;
        error.Message.Should().Be(message);
        error.Message.Should().NotContain(Secret);
    }

    [Fact]
    public void An_unknown_database_connection_names_the_configured_ones_and_no_secret()
    {
        var get = () => _catalog.GetPostgreSqlConnectionString("Warehous");

        var error = get.Should().Throw<DataflowException>().Which;
        error.Message.Should().Be(
            "the database connection 'Warehous' is not configured; set Connections:Warehous:Type=PostgreSql and :ConnectionString (configured: Broken, OrdersFtp, SampleFiles, Warehouse)");
        error.Message.Should().NotContain(Secret);
    }
}
