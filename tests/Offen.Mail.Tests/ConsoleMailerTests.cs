namespace Offen.Mail.Tests;

public sealed class ConsoleMailerTests
{
    [Fact]
    public async Task SendAsync_PrintsMessageBetweenSeparators()
    {
        var output = new StringWriter { NewLine = "\n" };

        await new ConsoleMailer(output).SendAsync(
            new MailMessageData("no-reply@offen.dev", "a@example.test", "\nReset your password\n", "Hi!\n\nhttps://x/a+b&c/\n"),
            CancellationToken.None);

        Assert.Equal(
            "=========\nFrom: no-reply@offen.dev\nTo: a@example.test\nSubject: Reset your password\nBody: Hi!\n\nhttps://x/a+b&c/\n\n=========\n",
            output.ToString());
    }
}
