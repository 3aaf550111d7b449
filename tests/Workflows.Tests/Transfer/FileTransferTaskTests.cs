using Microsoft.Extensions.Logging.Abstractions;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Tasks;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Tests.Transfer;

/// <summary>The FileTransfer task as a workflow sees it: its checks before a run, and its outputs after one.</summary>
public sealed class FileTransferTaskTests : IDisposable
{
    private readonly TempFolder _job = new();
    private readonly string _folder = FtpTestFiles.UniqueFolder();
    private readonly FileTransferTask _task = new(
        new ConnectionCatalog(new Dictionary<string, ConnectionSettings>
        {
            ["Tls"] = TransferServers.VsftpdSettings(tls: true),
            ["Partner"] = TransferServers.SftpSettings(),
        }),
        new RemoteFilesFactory());

    public void Dispose() => _job.Dispose();

    [Fact]
    public void An_unknown_action_is_refused_with_the_supported_ones()
    {
        _task.Validate(Inputs(("action", "Copy"))).Should().Equal(
            "the action 'Copy' is not supported; supported: Download, Upload, Delete, Rename, Move, List, Exists, WaitForFile");
    }

    [Fact]
    public void A_pattern_where_one_file_is_needed_and_a_path_that_escapes_are_refused()
    {
        var problems = _task.Validate(Inputs(("action", "Move"), ("remotePath", "in/*.csv"), ("newPath", "../done/a.csv"), ("pollSeconds", "0")));

        problems.Should().Equal(
            "the input 'remotePath': this action needs one file name, not a pattern",
            "the input 'newPath': Remote path '../done/a.csv' is refused: '..' segments are not allowed.",
            "the input 'pollSeconds' must be a positive number of seconds, not 0");
    }

    [Fact]
    public void Upload_without_a_local_path_and_Rename_without_a_new_path_are_refused_in_the_workflow()
    {
        var upload = Context("Upload", new Dictionary<string, string> { ["action"] = "Upload", ["connection"] = "Tls", ["remotePath"] = "a.csv" });
        var rename = Context("Rename", new Dictionary<string, string> { ["action"] = "Rename", ["connection"] = "Tls", ["remotePath"] = "a.csv", ["newPath"] = "${Variables.target}" });

        _task.ValidateInWorkflow(upload).Should().Equal("the action 'Upload' needs the input 'localPath'");
        _task.ValidateInWorkflow(rename).Should().BeEmpty("a reference counts as a value");
    }

    [Fact]
    public async Task A_wildcard_download_over_FTPS_outputs_every_local_path_and_a_plain_one_keeps_localPath()
    {
        VsftpdServer().WriteFile($"{_folder}/in/a.csv", [1, 2]);
        VsftpdServer().WriteFile($"{_folder}/in/b.csv", [3]);

        var many = await Run(("action", "Download"), ("connection", "Tls"), ("remotePath", $"{_folder}/in/*.csv"));
        var one = await Run(("action", "download"), ("connection", "Tls"), ("remotePath", $"{_folder}/in/a.csv"));

        var downloads = Path.Combine(_job.Path, "downloads", _folder, "in");
        Strings(many["localPaths"]).Should().Equal(Path.Combine(downloads, "a.csv"), Path.Combine(downloads, "b.csv"));
        Strings(many["names"]).Should().Equal("a.csv", "b.csv");
        many["count"].Should().Be(2L);
        many["size"].Should().Be(3L);
        many.Should().NotContainKey("localPath");
        one["localPath"].Should().Be(Path.Combine(downloads, "a.csv"));
        one["size"].Should().Be(2L);
        one["remotePath"].Should().Be($"{_folder}/in/a.csv");
    }

    [Fact]
    public async Task Upload_over_SFTP_sends_a_file_of_the_job_and_refuses_one_outside_it()
    {
        var report = Path.Combine(_job.Path, "output", "report.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        await File.WriteAllTextAsync(report, "id\n1\n");
        Scheduler.Testing.SftpServer.Shared.WriteFile($"{_folder}/placeholder", []);

        var sent = await Run(("action", "Upload"), ("connection", "Partner"), ("remotePath", $"{_folder}/report.csv"), ("localPath", "output/report.csv"));
        var outside = () => Run(("action", "Upload"), ("connection", "Partner"), ("remotePath", $"{_folder}/passwd"), ("localPath", "/etc/passwd"));

        sent["size"].Should().Be(5L);
        (await File.ReadAllTextAsync(Path.Combine(Scheduler.Testing.SftpServer.Shared.RootPath, _folder, "report.csv"))).Should().Be("id\n1\n");
        (await outside.Should().ThrowAsync<TaskFailedException>()).Which.Message.Should().Contain("outside the job's folder");
        File.Exists(Path.Combine(Scheduler.Testing.SftpServer.Shared.RootPath, _folder, "passwd")).Should().BeFalse();
    }

    [Fact]
    public async Task List_Exists_and_a_timed_out_WaitForFile_report_through_the_task()
    {
        VsftpdServer().WriteFile($"{_folder}/in/x.csv", [1]);

        var list = await Run(("action", "List"), ("connection", "Tls"), ("remotePath", $"{_folder}/in"));
        var exists = await Run(("action", "Exists"), ("connection", "Tls"), ("remotePath", $"{_folder}/in/y.csv"));
        var wait = () => Run(("action", "WaitForFile"), ("connection", "Tls"), ("remotePath", $"{_folder}/in/*.done"), ("timeoutSeconds", 1L), ("pollSeconds", 1L));

        Strings(list["names"]).Should().Equal("x.csv");
        exists["exists"].Should().Be(false);
        (await wait.Should().ThrowAsync<TaskFailedException>()).Which.Message.Should().StartWith("Timed out: no file matched");
    }

    private static IReadOnlyList<string> Strings(object? value) => value.Should().BeAssignableTo<IReadOnlyList<string>>().Subject;

    private static Scheduler.Testing.VsftpdServer VsftpdServer() => Scheduler.Testing.VsftpdServer.Shared;

    private static Dictionary<string, string> Inputs(params (string Name, string Value)[] inputs) =>
        inputs.ToDictionary(i => i.Name, i => i.Value, StringComparer.OrdinalIgnoreCase);

    private static TaskValidationContext Context(string name, Dictionary<string, string> inputs)
    {
        var task = new TaskDefinition(name, "FileTransfer", [], inputs);
        var workflow = new WorkflowDefinition("w", null, [], [task]);
        var literal = inputs.Where(i => !i.Value.Contains("${", StringComparison.Ordinal)).ToDictionary(StringComparer.OrdinalIgnoreCase);
        return new TaskValidationContext(workflow, task, literal, new Dictionary<string, ScalarType>(), _ => null);
    }

    private async Task<IReadOnlyDictionary<string, object?>> Run(params (string Name, object Value)[] inputs) =>
        await _task.RunAsync(
            new TaskRunContext("1", "Transfer1", _job.Path, inputs.ToDictionary(i => i.Name, i => (object?)i.Value, StringComparer.OrdinalIgnoreCase), NullLogger.Instance),
            CancellationToken.None);
}
