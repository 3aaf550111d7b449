using Scheduler.Testing;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Tests.Transfer;

/// <summary>FTPS certificates and SFTP host keys: the pinned identity is the only one accepted, and a refusal says why.</summary>
public sealed class ServerIdentityTests
{
    private readonly RemoteFilesFactory _factory = new();

    [Fact]
    public async Task Ftps_against_vsftpd_resumes_the_TLS_session_on_the_data_connection_as_vsftpd_requires()
    {
        var folder = FtpTestFiles.UniqueFolder();
        VsftpdServer.Shared.WriteFile($"{folder}/secret.csv", [1, 2, 3]);
        await using var files = await _factory.ConnectAsync("Tls", TransferServers.VsftpdSettings(tls: true), CancellationToken.None);
        using var copy = new MemoryStream();

        // vsftpd runs with require_ssl_reuse=YES: it answers 522 and drops a data connection without a resumed session.
        await files.DownloadAsync($"{folder}/secret.csv", copy, 0, CancellationToken.None);
        var listing = await files.ListAsync(folder, CancellationToken.None);

        files.Description.Should().StartWith("ftps://");
        copy.ToArray().Should().Equal(1, 2, 3);
        listing.Should().ContainSingle().Which.Name.Should().Be("secret.csv");
    }

    [Fact]
    public async Task Ftps_to_an_IP_address_cannot_resume_the_session_and_the_error_says_to_use_a_host_name()
    {
        var folder = FtpTestFiles.UniqueFolder();
        VsftpdServer.Shared.WriteFile($"{folder}/a.csv", [1]);
        var settings = TransferServers.VsftpdSettings(tls: true);
        settings.Host = VsftpdServer.Shared.Host;
        await using var files = await _factory.ConnectAsync("Tls", settings, CancellationToken.None);

        var download = () => files.DownloadAsync($"{folder}/a.csv", new MemoryStream(), 0, CancellationToken.None);

        (await download.Should().ThrowAsync<RemoteTransferException>()).Which.Message
            .Should().Contain("522").And.Contain("session reuse").And.Contain("host name");
    }

    [Fact]
    public async Task Ftps_with_a_wrong_pinned_fingerprint_is_refused_and_the_message_gives_both_fingerprints()
    {
        var settings = TransferServers.VsftpdSettings(tls: true);
        settings.Fingerprint = string.Join(':', Enumerable.Repeat("AB", 32));

        var connect = () => _factory.ConnectAsync("Tls", settings, CancellationToken.None);

        (await connect.Should().ThrowAsync<RemoteServerNotTrustedException>()).Which.Message
            .Should().Contain("ftps://").And.Contain(VsftpdServer.Shared.CertificateSha256).And.Contain(settings.Fingerprint)
            .And.NotContain(VsftpdServer.Shared.Password);
    }

    [Fact]
    public async Task Ftps_without_a_pin_refuses_a_self_signed_certificate_and_offers_its_fingerprint()
    {
        var settings = TransferServers.VsftpdSettings(tls: true);
        settings.Fingerprint = null;

        var connect = () => _factory.ConnectAsync("Tls", settings, CancellationToken.None);

        (await connect.Should().ThrowAsync<RemoteServerNotTrustedException>()).Which.Message
            .Should().Contain("not trusted").And.Contain($"Fingerprint {VsftpdServer.Shared.CertificateSha256}");
    }

    [Fact]
    public async Task Sftp_with_a_wrong_pinned_host_key_is_refused_before_the_password_is_sent()
    {
        var settings = TransferServers.SftpSettings();
        settings.HostKey = "SHA256:" + Convert.ToBase64String(new byte[32]).TrimEnd('=');

        var connect = () => _factory.ConnectAsync("Sftp", settings, CancellationToken.None);

        (await connect.Should().ThrowAsync<RemoteServerNotTrustedException>()).Which.Message
            .Should().Contain("sftp://").And.Contain(SftpServer.Shared.HostKeySha256).And.Contain(settings.HostKey);
    }

    [Theory]
    [InlineData("ftp-vsftpd")]
    [InlineData("ftps-vsftpd")]
    [InlineData("sftp-openssh")]
    public async Task A_wrong_password_is_a_refused_login_that_does_not_show_the_password(string name)
    {
        var settings = TransferServers.Get(name).Settings;
        settings.Password = "wrong-password-123";

        var connect = () => _factory.ConnectAsync(name, settings, CancellationToken.None);

        (await connect.Should().ThrowAsync<RemoteLoginRefusedException>()).Which.Message
            .Should().Contain(settings.Username).And.NotContain("wrong-password-123");
    }

    [Fact]
    public void Sftp_without_a_host_key_is_an_invalid_connection()
    {
        var settings = TransferServers.SftpSettings();
        settings.HostKey = null;

        RemoteFilesFactory.Validate("Partner", settings).Should().ContainSingle()
            .Which.Should().Contain("Connection 'Partner' of type Sftp needs a HostKey");
    }

    [Fact]
    public async Task Sftp_logs_in_with_an_encrypted_private_key_and_no_password()
    {
        var settings = KeySettings(SftpServer.Shared.ClientKeyPassphrase);
        var folder = Guid.NewGuid().ToString("N");
        SftpServer.Shared.WriteFile($"{folder}/keyed.txt", "hello"u8.ToArray());

        await using var files = await _factory.ConnectAsync("Partner", settings, CancellationToken.None);

        (await files.GetSizeAsync($"{folder}/keyed.txt", CancellationToken.None)).Should().Be(5);
    }

    [Fact]
    public async Task Sftp_with_a_wrong_key_passphrase_is_a_settings_error_naming_the_key_file_not_the_passphrase()
    {
        var settings = KeySettings("not-the-passphrase");

        var connect = () => _factory.ConnectAsync("Partner", settings, CancellationToken.None);

        (await connect.Should().ThrowAsync<RemoteConnectionSettingsException>()).Which.Message
            .Should().Contain(SftpServer.Shared.ClientKeyPath).And.NotContain("not-the-passphrase");
    }

    [Fact]
    public async Task Sftp_with_a_key_the_server_does_not_know_is_a_refused_login()
    {
        using var folder = new TempFolder();
        var stranger = Path.Combine(folder.Path, "stranger_ed25519");
        ServerProcess.Run("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger);
        var settings = KeySettings(null);
        settings.PrivateKeyPath = stranger;

        var connect = () => _factory.ConnectAsync("Partner", settings, CancellationToken.None);

        (await connect.Should().ThrowAsync<RemoteLoginRefusedException>()).Which.Message.Should().Contain(SftpServer.Shared.Username);
    }

    [Fact]
    public void A_private_key_on_an_FTP_connection_is_an_invalid_connection()
    {
        var settings = TransferServers.VsftpdSettings(tls: false);
        settings.PrivateKeyPath = "/keys/id_ed25519";

        RemoteFilesFactory.Validate("Partner", settings).Should().ContainSingle()
            .Which.Should().Contain("only the type Sftp uses");
    }

    private static ConnectionSettings KeySettings(string? passphrase)
    {
        var settings = TransferServers.SftpSettings();
        settings.Password = null;
        settings.PrivateKeyPath = SftpServer.Shared.ClientKeyPath;
        settings.PrivateKeyPassphrase = passphrase;
        return settings;
    }
}
