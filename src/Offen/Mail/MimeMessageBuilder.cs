using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace Offen.Mail;

/// <summary>Builds the RFC 5322 message shared by the SMTP and sendmail transports (server.md §8, "Message format").</summary>
internal static class MimeMessageBuilder
{
    internal const string AgentName = "Offen Fair Web Analytics";

    public static MimeMessage Build(MailMessageData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var from = ParseMailbox(data.From, "From");
        var to = ParseMailbox(data.To, "To");

        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(to);
        // Upstream's templates leave newlines around the subject, which go-mail then Q-encodes; we trim (server.md §8).
        // Inner line breaks could never be meant, so they become spaces instead of folding surprises.
        message.Subject = data.Subject.Trim().ReplaceLineEndings(" ");
        message.Date = DateTimeOffset.UtcNow;
        message.MessageId = MimeUtils.GenerateMessageId(string.IsNullOrEmpty(from.Domain) ? "localhost" : from.Domain);
        message.Headers.Add("User-Agent", AgentName);
        message.Headers.Add(HeaderId.XMailer, AgentName);

        // Quoted-printable keeps every line short and 7-bit clean whatever the relay supports, as go-mail does.
        var part = new TextPart(MimeKit.Text.TextFormat.Plain) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        part.SetText(Encoding.UTF8, data.Body);
        part.ContentType.Charset = "UTF-8";
        message.Body = part;
        return message;
    }

    // Exactly one mailbox: a list ("a@x, b@y") in a user-supplied address must not add recipients.
    private static MailboxAddress ParseMailbox(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value) || !MailboxAddress.TryParse(value.Trim(), out var mailbox)
            || string.IsNullOrEmpty(mailbox.Address) || !mailbox.Address.Contains('@'))
        {
            // The address itself stays out of the message (it may be a visitor's or operator's email).
            throw new MailException($"the {field} address is not a valid email address");
        }

        return mailbox;
    }
}
