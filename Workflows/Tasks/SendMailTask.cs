using Microsoft.Extensions.Logging;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Mail;

namespace Scheduler.Workflows.Tasks;

/// <summary>
/// Sends a plain text mail through an <c>Smtp</c> connection: recipients, subject and body written with
/// <c>${...}</c> references like any input, files of the job attached. The sender and the server's login are the
/// connection's, so a definition can neither send as someone else nor see the password.
/// </summary>
public sealed partial class SendMailTask(ConnectionCatalog connections) : IWorkflowTask
{
    private const string Connection = "connection", To = "to", Cc = "cc", Subject = "subject", Body = "body", Attachments = "attachments";

    public string Type => "SendMail";

    public IReadOnlyList<TaskInput> Inputs { get; } =
    [
        new(Connection, ScalarType.String, Required: true, "The name of an Smtp connection under Connections: in the configuration")
        {
            ConnectionTypes = [ConnectionCatalog.Smtp],
            Fixed = true,
        },
        new(To, ScalarType.String, Required: true, $"The recipients, separated by commas (at most {MailMessageBuilder.MaxRecipients} with cc)"),
        new(Cc, ScalarType.String, Required: false, "Recipients of a copy, separated by commas"),
        new(Subject, ScalarType.String, Required: true, $"One line of at most {MailMessageBuilder.MaxSubjectChars} characters"),
        new(Body, ScalarType.String, Required: true, $"The plain text of the message, at most {MailMessageBuilder.MaxBodyChars} characters"),
        new(Attachments, ScalarType.StringList, Required: false,
            $"Files of the job's folder to attach, such as ${{RunDataflow1.rejectedRowsPath}}: at most {MailAttachments.MaxCount}, {MailAttachments.MaxFileBytes / 1024 / 1024} MiB each, {MailAttachments.MaxTotalBytes / 1024 / 1024} MiB in all")
        {
            Fixed = true,
        },
    ];

    public IReadOnlyList<TaskOutput> Outputs { get; } =
    [
        new("messageId", ScalarType.String, "The Message-Id of the message sent"),
        new("recipients", ScalarType.Int, "How many recipients (to and cc) the server accepted the message for"),
        new("attachments", ScalarType.Int, "How many files were attached"),
    ];

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(TaskRunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = context.GetString(Connection);
        var endpoint = SmtpEndpoint.Read(name, connections.GetOfType(name, ConnectionCatalog.Smtp));
        context.Redactor.Add(endpoint.Password);

        var files = MailAttachments.Resolve(context.Inputs.GetValueOrDefault(Attachments) as IReadOnlyList<string> ?? [], context);
        using var message = MailMessageBuilder.Build(
            endpoint.From, context.GetString(To), context.GetOptionalString(Cc), context.GetString(Subject), context.GetString(Body), files);
        await SmtpSender.SendAsync(endpoint, message, cancellationToken);

        var recipients = message.To.Count + message.Cc.Count;
        LogSent(context.Logger, context.TaskName, recipients, files.Count, endpoint.ToString());
        return new Dictionary<string, object?>
        {
            ["messageId"] = message.MessageId,
            ["recipients"] = (long)recipients,
            ["attachments"] = (long)files.Count,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Task} sent a mail to {Recipients} recipients with {Attachments} attachments through {Server}")]
    private static partial void LogSent(ILogger logger, string task, int recipients, int attachments, string server);
}
