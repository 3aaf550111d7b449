using Npgsql;
using Scheduler.Web.Hosting;

namespace Scheduler.Web.Tests.Hosting;

public sealed class StatementPreparationTests
{
    [Fact]
    public void Statements_are_prepared_automatically_unless_the_connection_string_says_how_many()
    {
        var prepared = new NpgsqlConnectionStringBuilder(StatementPreparation.Enabled("Host=db;Database=scheduler;Keepalive=5"));

        prepared.MaxAutoPrepare.Should().Be(StatementPreparation.MaxAutoPrepare);
        prepared.KeepAlive.Should().Be(5, "the rest of the connection string is kept");
        StatementPreparation.Enabled("Host=db;Max Auto Prepare=0").Should().Be("Host=db;Max Auto Prepare=0", "0 turns preparation off");
        new NpgsqlConnectionStringBuilder(StatementPreparation.Enabled("Host=db;maxautoprepare=5")).MaxAutoPrepare.Should().Be(5);
    }
}
