using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Tests.Transfer;

public sealed class RemoteFilesFactoryTests
{
    private readonly RemoteFilesFactory _factory = new();

    [Fact]
    public async Task Unknown_type_is_refused_naming_the_connection_and_the_known_types()
    {
        var settings = new ConnectionSettings { Type = "Gopher", Host = "example" };

        var connect = () => _factory.ConnectAsync("Orders", settings, CancellationToken.None);

        (await connect.Should().ThrowAsync<RemoteConnectionSettingsException>()).Which.Message
            .Should().Be("Connection 'Orders' has Type 'Gopher'; file transfers know the types Ftp, Ftps, Sftp, Local.");
    }

    [Fact]
    public async Task Ftp_without_host_is_refused_with_a_clear_message()
    {
        var settings = new ConnectionSettings { Type = "Ftp", Username = "u", Password = "p" };

        var connect = () => _factory.ConnectAsync("Orders", settings, CancellationToken.None);

        (await connect.Should().ThrowAsync<RemoteConnectionSettingsException>()).Which.Message
            .Should().Be("Connection 'Orders' of type Ftp needs a Host.");
    }

    [Fact]
    public void Ftp_with_a_port_out_of_range_is_invalid()
    {
        var errors = RemoteFilesFactory.Validate("Orders", new ConnectionSettings { Type = "Ftp", Host = "h", Port = 70000 });

        errors.Should().ContainSingle().Which.Should().Contain("Port 70000");
    }

    [Fact]
    public async Task Local_without_path_is_refused_with_a_clear_message()
    {
        var connect = () => _factory.ConnectAsync("Drop", new ConnectionSettings { Type = "Local" }, CancellationToken.None);

        (await connect.Should().ThrowAsync<RemoteConnectionSettingsException>()).Which.Message
            .Should().Be("Connection 'Drop' of type Local needs a Path (the root folder).");
    }

    [Fact]
    public void Valid_settings_have_no_errors_and_types_match_case_insensitively()
    {
        RemoteFilesFactory.Validate("A", new ConnectionSettings { Type = "ftp", Host = "h" }).Should().BeEmpty();
        RemoteFilesFactory.Validate("B", new ConnectionSettings { Type = "Local", Path = "/tmp" }).Should().BeEmpty();
        RemoteFilesFactory.IsKnownType("PostgreSql").Should().BeFalse();
    }
}
