namespace Offen.Mail;

/// <summary>Chooses the mailer at startup (server.md §8, "Selection at startup").</summary>
public static class MailerFactory
{
    /// <summary>
    /// Development mode prints mail to <paramref name="stdout"/>. Otherwise a non-empty <paramref name="smtpHost"/> selects
    /// SMTP, and without one the local sendmail is used. When there is no sendmail either, the returned mailer fails
    /// every send with a MailException saying what to configure, as upstream does on Windows.
    /// </summary>
    /// <exception cref="MailException">The SMTP settings are invalid, e.g. an unknown auth type (fatal at serve).</exception>
    public static IMailer Create(bool development, string? smtpHost, int smtpPort, string? user, string? password,
        string authType, Func<string?> findSendmail, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(findSendmail);
        ArgumentNullException.ThrowIfNull(stdout);

        if (development)
        {
            return new ConsoleMailer(stdout);
        }

        if (!string.IsNullOrWhiteSpace(smtpHost))
        {
            return new SmtpMailer(smtpHost, smtpPort, user, password, authType, SmtpMailer.DefaultTimeout);
        }

        var sendmail = findSendmail();
        return string.IsNullOrEmpty(sendmail) ? new UnavailableMailer() : new SendmailMailer(sendmail);
    }

    /// <summary>Neither SMTP nor sendmail: every send fails, with advice (upstream answers 500 the same way).</summary>
    private sealed class UnavailableMailer : IMailer
    {
        public Task SendAsync(MailMessageData message, CancellationToken ct) =>
            Task.FromException(new MailException(
                "cannot send mail: OFFEN_SMTP_HOST is not set and no sendmail was found on PATH; configure SMTP"));
    }
}
