namespace Offen.Mail;

/// <summary>Sends one message. Every failure is a <see cref="MailException"/> (server.md §8: the caller answers 500).</summary>
public interface IMailer
{
    Task SendAsync(MailMessageData message, CancellationToken ct);
}
