using MimeKit;
using Scheduler.Testing;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Mail;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Tasks;
using Scheduler.Workflows.Tests.Definitions;
using Scheduler.Workflows.Tests.Transfer;

namespace Scheduler.Workflows.Tests.Tasks;

public sealed class SendMailTaskTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly SmtpServer _smtp = SmtpServer.Shared;
    private readonly string _recipient = $"ops-{Guid.NewGuid():N}@example.com";

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_mail_over_StartTls_with_login_arrives_with_its_templated_headers_body_and_attachment()
    {
        var harness = Harness();
        WriteJobFile("rejected-rows.csv", "id,reason\n7,bad date\n");

        var run = await harness.RunAsync(
            Workflow($$"""
                { "name": "Produce1", "type": "Produce", "inputs": { "text": "x" } },
                { "name": "Mail", "type": "SendMail", "inputs": {
                    "connection": "Mail", "to": "${Variables.to}", "cc": "audit@example.com; boss@example.com",
                    "subject": "Loaded ${Produce1.size} rows of ${Variables.file}",
                    "body": "Rejected rows are attached.\n${Produce1.name}",
                    "attachments": "[\"rejected-rows.csv\"]" } }
                """),
            ("to", _recipient),
            ("file", "orders.csv"));

        run.Result.Status.Should().Be(RunStatus.Completed, run.Result.Error);
        run.Steps["Mail"].Outputs["recipients"].Should().Be(3L);
        run.Steps["Mail"].Outputs["attachments"].Should().Be(1L);
        var mail = _smtp.Received(_recipient).Should().ContainSingle().Subject;
        mail.Envelope.Tls.Should().BeTrue();
        mail.Envelope.Login.Should().Be(_smtp.Username);
        mail.Envelope.Recipients.Should().BeEquivalentTo(_recipient, "audit@example.com", "boss@example.com");
        using var message = MimeMessage.Load(new MemoryStream(mail.Content));
        message.From.Mailboxes.Single().Address.Should().Be("scheduler@example.com");
        message.Subject.Should().Be("Loaded 12 rows of orders.csv");
        message.MessageId.Should().Be(((string)run.Steps["Mail"].Outputs["messageId"]!).Trim('<', '>'));
        message.TextBody.Should().Contain("Rejected rows are attached.").And.Contain("orders-2024.csv");
        var attachment = message.Attachments.OfType<MimePart>().Should().ContainSingle().Subject;
        attachment.FileName.Should().Be("rejected-rows.csv");
        using var content = new MemoryStream();
        await attachment.Content!.DecodeToAsync(content);
        System.Text.Encoding.UTF8.GetString(content.ToArray()).Should().Be("id,reason\n7,bad date\n");
    }

    [Fact]
    public async Task A_mail_over_SMTPS_from_the_first_byte_arrives()
    {
        var harness = Harness(new ConnectionSettings { Type = "Smtp", Security = "SslOnConnect", Port = _smtp.TlsPort });

        var run = await harness.RunAsync(Workflow(MailTask("Plain")), ("to", _recipient));

        run.Result.Status.Should().Be(RunStatus.Completed, run.Result.Error);
        _smtp.Received(_recipient).Should().ContainSingle().Which.Envelope.Tls.Should().BeTrue();
    }

    [Fact]
    public async Task A_refused_login_fails_the_step_without_showing_the_password()
    {
        var harness = Harness(new ConnectionSettings { Type = "Smtp", Password = "wrong-password-4711" });

        var run = await harness.RunAsync(Workflow(MailTask("Plain")), ("to", _recipient));

        run.Result.Status.Should().Be(RunStatus.Failed);
        run.Steps["Mail"].Error.Should().Contain("refused the login of 'mailer'");
        (run.Result.Error + run.Steps["Mail"].Error + run.Log).Should().NotContain("wrong-password-4711");
        _smtp.Received(_recipient).Should().BeEmpty();
    }

    [Fact]
    public async Task A_server_whose_certificate_is_not_trusted_gets_nothing()
    {
        var harness = Harness(new ConnectionSettings { Type = "Smtp", Fingerprint = "" });

        var run = await harness.RunAsync(Workflow(MailTask("Plain")), ("to", _recipient));

        run.Result.Status.Should().Be(RunStatus.Failed);
        run.Steps["Mail"].Error.Should().Contain("not trusted").And.Contain(_smtp.CertificateSha256);
        _smtp.Received(_recipient).Should().BeEmpty();
    }

    [Fact]
    public async Task A_failed_job_mails_its_error_from_onFailure_and_stays_failed()
    {
        var harness = Harness(failProduce: true);

        var run = await harness.RunAsync(
            $$"""
            { "name": "w", "variables": [ { "name": "to", "type": "string" } ],
              "tasks": [ { "name": "Produce1", "type": "Produce", "inputs": { "text": "x" } } ],
              "onFailure": [ { "name": "Alarm", "type": "SendMail", "inputs": {
                "connection": "Mail", "to": "${Variables.to}", "subject": "Job ${Job.status}", "body": "Why: ${Job.error}" } } ] }
            """,
            ("to", _recipient));

        run.Result.Status.Should().Be(RunStatus.Failed);
        run.Steps["Alarm"].Status.Should().Be(StepStatus.Completed);
        using var message = MimeMessage.Load(new MemoryStream(_smtp.Received(_recipient).Should().ContainSingle().Subject.Content));
        message.Subject.Should().Be("Job Failed");
        message.TextBody.Should().Contain("Why: Produce1 failed: the source is gone");
    }

    [Theory]
    [InlineData("[\"../outside.txt\"]", "outside the job's folder")]
    [InlineData("[\"/etc/passwd\"]", "outside the job's folder")]
    [InlineData("[\"link/passwd\"]", "outside the job's folder")]
    [InlineData("[\"missing.csv\"]", "does not exist")]
    public async Task Only_files_of_the_job_can_be_attached(string attachments, string problem)
    {
        var harness = Harness();
        Directory.CreateDirectory(harness.JobDirectory);
        File.WriteAllText(Path.Combine(_folder.Path, "outside.txt"), "not the job's");
        Directory.CreateSymbolicLink(Path.Combine(harness.JobDirectory, "link"), "/etc");

        var run = await harness.RunAsync(Workflow(MailTask("Plain", $$""", "attachments": {{System.Text.Json.JsonSerializer.Serialize(attachments)}}""")), ("to", _recipient));

        run.Result.Status.Should().Be(RunStatus.Failed);
        run.Steps["Mail"].Error.Should().Contain(problem);
        _smtp.Received(_recipient).Should().BeEmpty();
    }

    [Fact]
    public async Task More_attachments_than_the_cap_are_refused()
    {
        var names = Enumerable.Range(0, MailAttachments.MaxCount + 1).Select(i => WriteJobFile($"f{i}.txt", "x")).ToList();

        var run = await Harness().RunAsync(
            Workflow(MailTask("Plain", $$""", "attachments": {{System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonSerializer.Serialize(names))}}""")),
            ("to", _recipient));

        run.Steps["Mail"].Error.Should().Contain($"more than the {MailAttachments.MaxCount}");
    }

    [Fact]
    public async Task A_file_over_the_size_cap_is_refused_before_it_is_read()
    {
        WriteSparseJobFile("big.bin", MailAttachments.MaxFileBytes + 1);

        var run = await Harness().RunAsync(Workflow(MailTask("Plain", """, "attachments": "big.bin" """)), ("to", _recipient));

        run.Steps["Mail"].Error.Should().Contain("big.bin").And.Contain("more than the 10 MiB one file may have");
    }

    [Fact]
    public async Task Files_over_the_total_cap_together_are_refused()
    {
        WriteSparseJobFile("a.bin", MailAttachments.MaxFileBytes);
        WriteSparseJobFile("b.bin", MailAttachments.MaxTotalBytes - MailAttachments.MaxFileBytes + 1);

        var run = await Harness().RunAsync(Workflow(MailTask("Plain", """, "attachments": "[\"a.bin\", \"b.bin\"]" """)), ("to", _recipient));

        run.Steps["Mail"].Error.Should().Contain("together, more than the 15 MiB");
    }

    [Fact]
    public async Task More_recipients_than_the_cap_are_refused()
    {
        var many = string.Join(", ", Enumerable.Range(0, MailMessageBuilder.MaxRecipients + 1).Select(i => $"r{i}@example.com"));

        var run = await Harness().RunAsync(Workflow(MailTask("Plain")), ("to", many));

        run.Steps["Mail"].Error.Should().Contain($"more than the {MailMessageBuilder.MaxRecipients}");
    }

    [Fact]
    public async Task A_subject_over_its_cap_or_of_two_lines_is_refused()
    {
        var run = await Harness().RunAsync(Workflow(MailTask("${Variables.file}")), ("to", _recipient), ("file", new string('s', MailMessageBuilder.MaxSubjectChars + 1)));
        var twoLines = await Harness().RunAsync(Workflow(MailTask("${Variables.file}")), ("to", _recipient), ("file", "one\r\nBcc: victim@example.com"));

        run.Steps["Mail"].Error.Should().Contain("one line of at most");
        twoLines.Steps["Mail"].Error.Should().Contain("one line of at most");
    }

    [Fact]
    public async Task A_body_over_its_cap_is_refused()
    {
        var run = await Harness().RunAsync(
            Workflow(MailTask("Plain", """, "body": "${Variables.file}" """)), ("to", _recipient), ("file", new string('b', MailMessageBuilder.MaxBodyChars + 1)));

        run.Steps["Mail"].Error.Should().Contain($"more than the {MailMessageBuilder.MaxBodyChars}");
    }

    [Theory]
    [InlineData("Nowhere", "$.tasks[0].inputs.connection", "is not configured")]
    [InlineData("Api", "$.tasks[0].inputs.connection", "is a Http connection")]
    public void A_definition_naming_a_missing_or_wrong_connection_is_rejected_at_its_input(string connection, string path, string problem)
    {
        var problems = Harness().Validate($$"""
            { "name": "w", "tasks": [ { "name": "Mail", "type": "SendMail", "inputs": { "connection": "{{connection}}", "to": "a@example.com", "subject": "s", "body": "b" } } ] }
            """);

        problems.Should().ContainSingle(p => p.Path == path).Which.Message.Should().Contain(problem);
    }

    [Fact]
    public void A_definition_with_a_bad_template_reference_is_rejected_at_its_input()
    {
        var problems = Harness().Validate("""
            { "name": "w", "tasks": [ { "name": "Mail", "type": "SendMail", "inputs": { "connection": "Mail", "to": "a@example.com", "subject": "${Variables.nothing}", "body": "b" } } ] }
            """);

        problems.Should().ContainSingle(p => p.Path == "$.tasks[0].inputs.subject").Which.Message.Should().Contain("names no variable");
    }

    [Fact]
    public void The_connection_and_the_attachments_can_never_be_overridden_by_a_run_request() =>
        new SendMailTask(Connections(null)).Inputs.Where(i => i.Name is "connection" or "attachments").Should().OnlyContain(i => i.Fixed);

    private static string MailTask(string subject, string more = "") => $$"""
        { "name": "Mail", "type": "SendMail", "inputs": { "connection": "Mail", "to": "${Variables.to}", "subject": "{{subject}}", "body": "Hello"{{more}} } }
        """;

    private static string Workflow(string tasks) => $$"""
        { "name": "w", "variables": [ { "name": "to", "type": "string" }, { "name": "file", "type": "string" } ], "tasks": [ {{tasks}} ] }
        """;

    private WorkflowHarness Harness(ConnectionSettings? changes = null, bool failProduce = false)
    {
        var produce = TestTasks.Produce((_, _) => failProduce
            ? throw new TaskFailedException("the source is gone")
            : Task.FromResult<IReadOnlyDictionary<string, object?>>(new Dictionary<string, object?> { ["name"] = "orders-2024.csv", ["size"] = 12L }));
        return new WorkflowHarness(TestTasks.Registry(produce, new SendMailTask(Connections(changes))), Connections(changes), _folder.Path);
    }

    private ConnectionCatalog Connections(ConnectionSettings? changes) => new(new Dictionary<string, ConnectionSettings>
    {
        ["Mail"] = new()
        {
            Type = "Smtp",
            Host = _smtp.Host,
            Port = changes?.Port ?? _smtp.StartTlsPort,
            Security = changes?.Security ?? "StartTls",
            Username = _smtp.Username,
            Password = changes?.Password ?? _smtp.Password,
            From = "Scheduler <scheduler@example.com>",
            Fingerprint = changes?.Fingerprint ?? _smtp.CertificateSha256,
        },
        ["Api"] = new() { Type = "Http", BaseUrl = "http://127.0.0.1:1/" },
    });

    private string WriteJobFile(string name, string content)
    {
        var path = Path.Combine(_folder.Path, "job-1", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return name;
    }

    private void WriteSparseJobFile(string name, long length)
    {
        using var file = File.Create(Path.Combine(_folder.Path, "job-1", WriteJobFile(name, "")));
        file.SetLength(length);
    }
}
