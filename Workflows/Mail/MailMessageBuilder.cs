using MimeKit;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Workflows.Mail;

/// <summary>
/// The message a SendMail task sends: the connection's sender, the recipients, a one-line subject, a plain text body
/// and the attached files, each checked against its documented cap before it is parsed. Attached files are opened as
/// streams and read only while the message is sent.
/// </summary>
internal static class MailMessageBuilder
{
    public const int MaxAddressChars = 8 * 1024;
    public const int MaxRecipients = 50;
    public const int MaxSubjectChars = 500;
    public const int MaxBodyChars = 256 * 1024;

    public static MimeMessage Build(MailboxAddress from, string to, string? cc, string subject, string body, IReadOnlyList<FileInfo> attachments)
    {
        if (subject.Length > MaxSubjectChars || subject.Contains('\r', StringComparison.Ordinal) || subject.Contains('\n', StringComparison.Ordinal))
        {
            throw new TaskFailedException($"the subject must be one line of at most {MaxSubjectChars} characters");
        }

        if (body.Length > MaxBodyChars)
        {
            throw new TaskFailedException($"the body has {body.Length} characters, more than the {MaxBodyChars} a message may have");
        }

        var message = new MimeMessage();
        message.From.Add(from);
        message.To.AddRange(Addresses(to, "to"));
        message.Cc.AddRange(Addresses(cc ?? "", "cc"));
        if (message.To.Count == 0)
        {
            throw new TaskFailedException("the input 'to' names no recipient");
        }

        if (message.To.Count + message.Cc.Count > MaxRecipients)
        {
            throw new TaskFailedException($"{message.To.Count + message.Cc.Count} recipients are more than the {MaxRecipients} a message may have");
        }

        message.Subject = subject;
        var text = new TextPart("plain") { Text = body };
        if (attachments.Count == 0)
        {
            message.Body = text;
            return message;
        }

        var mixed = new Multipart("mixed") { text };
        foreach (var file in attachments)
        {
            mixed.Add(new MimePart(MimeTypes.GetMimeType(file.Name))
            {
                Content = new MimeContent(file.OpenRead()),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = file.Name,
            });
        }

        message.Body = mixed;
        return message;
    }

    private static InternetAddressList Addresses(string text, string input)
    {
        if (text.Length > MaxAddressChars)
        {
            throw new TaskFailedException($"the input '{input}' has more than {MaxAddressChars} characters");
        }

        // Recipients are written with commas or semicolons between them, as mail programs accept both.
        return text.Trim().Length == 0
            ? []
            : InternetAddressList.TryParse(text.Replace(';', ','), out var list) && list.All(a => a is MailboxAddress)
                ? list
                : throw new TaskFailedException($"the input '{input}' is not a list of mail addresses separated by commas: '{text}'");
    }
}
