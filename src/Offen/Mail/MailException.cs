namespace Offen.Mail;

/// <summary>
/// A message could not be sent, or a mailer could not be configured. The message is one line for the operator's log.
/// It never contains the SMTP password or the message body. It also leaves out the server's reply text when that reply
/// is about a sender or recipient, because such replies often quote the address (style.md §8: no emails in logs).
/// </summary>
public sealed class MailException : Exception
{
    public MailException(string message)
        : base(message)
    {
    }

    public MailException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>First line of a foreign error text, trimmed and capped, for use inside a MailException message.</summary>
    internal static string OneLine(string? text, int max = 200)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "(no details)";
        }

        var line = text.Trim().Split('\n', 2)[0].Trim().TrimEnd('\r');
        return line.Length <= max ? line : line[..max] + "…";
    }
}
