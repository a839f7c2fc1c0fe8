namespace Offen.Mail;

/// <summary>Development mode's mailer: prints the message instead of sending it (server.md §8, step 1).</summary>
public sealed class ConsoleMailer(TextWriter output) : IMailer
{
    private readonly TextWriter _output = output ?? throw new ArgumentNullException(nameof(output));

    public async Task SendAsync(MailMessageData message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        // One Write call, so two concurrent messages do not interleave on a synchronized writer such as Console.Out.
        var text = string.Join('\n',
            "=========",
            $"From: {message.From}",
            $"To: {message.To}",
            $"Subject: {message.Subject.Trim()}",
            $"Body: {message.Body}",
            "=========",
            "");
        await _output.WriteAsync(text.AsMemory(), ct).ConfigureAwait(false);
        await _output.FlushAsync(ct).ConfigureAwait(false);
    }
}
