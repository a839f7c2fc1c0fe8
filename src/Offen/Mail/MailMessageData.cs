namespace Offen.Mail;

/// <summary>One plain-text message. <see cref="From"/> is OFFEN_SMTP_SENDER, <see cref="To"/> a single address
/// as given (server.md §8).</summary>
public sealed record MailMessageData(string From, string To, string Subject, string Body);
