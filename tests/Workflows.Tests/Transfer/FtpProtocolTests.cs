using System.Text;
using Scheduler.Workflows.Transfer;
using Scheduler.Workflows.Transfer.Ftp;

namespace Scheduler.Workflows.Tests.Transfer;

public sealed class FtpProtocolTests
{
    [Fact]
    public async Task Multi_line_replies_are_read_to_their_last_line()
    {
        var server = FtpTestFiles.Server;
        await using var control = await FtpControlConnection.ConnectAsync(
            server.Host, server.Port, "test", new TransferOptions(), CancellationToken.None);
        (await control.ReadReplyAsync("greeting", CancellationToken.None)).Code.Should().Be(220);

        var features = await control.ExecuteAsync("FEAT", CancellationToken.None);
        var next = await control.ExecuteAsync("NOOP", CancellationToken.None);

        features.Code.Should().Be(211);
        features.Message.Split('\n').Should().HaveCountGreaterThan(2).And.Contain(line => line.Contains("SIZE"));
        next.Code.Should().Be(200, "the whole FEAT reply was consumed, so NOOP gets its own reply");
    }

    [Fact]
    public async Task Download_works_over_PASV_when_EPSV_is_off()
    {
        var folder = FtpTestFiles.UniqueFolder();
        FtpTestFiles.Server.WriteFile($"{folder}/pasv.txt", "over PASV");
        var factory = new RemoteFilesFactory(new TransferOptions { UseEpsv = false });
        await using var files = await factory.ConnectAsync("TestFtp", FtpTestFiles.Settings(), CancellationToken.None);
        using var destination = new MemoryStream();

        await files.DownloadAsync($"{folder}/pasv.txt", destination, 0, CancellationToken.None);

        Encoding.UTF8.GetString(destination.ToArray()).Should().Be("over PASV");
    }

    [Theory]
    [InlineData("Entering extended passive mode (|||50123|).", 50123)]
    [InlineData("Entering Extended Passive Mode (!!!2121!)", 2121)]
    [InlineData("Entering Extended Passive Mode (|||0|)", null)]
    [InlineData("Entering Extended Passive Mode", null)]
    public void Epsv_port_is_read_from_the_reply(string message, int? expected)
    {
        FtpPassiveReply.ParseEpsvPort(message).Should().Be(expected);
    }

    [Theory]
    [InlineData("Entering Passive Mode (10,0,0,7,195,149).", 50069)]
    [InlineData("Entering Passive Mode 127,0,0,1,8,75", 2123)]
    [InlineData("Entering Passive Mode (127,0,0,1,256,1)", null)]
    [InlineData("nonsense", null)]
    public void Pasv_port_is_read_from_the_reply_and_its_address_ignored(string message, int? expected)
    {
        FtpPassiveReply.ParsePasvPort(message).Should().Be(expected);
    }
}
