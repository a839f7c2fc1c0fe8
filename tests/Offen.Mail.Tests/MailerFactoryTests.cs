namespace Offen.Mail.Tests;

public sealed class MailerFactoryTests
{
    private static string? NoSendmail() => null;

    [Fact]
    public void Create_Development_PrintsToStdoutEvenWithSmtpHost()
    {
        var mailer = MailerFactory.Create(true, "smtp.example.com", 587, "u", "p", "LOGIN",
            () => throw new InvalidOperationException("must not look for sendmail"), TextWriter.Null);

        Assert.IsType<ConsoleMailer>(mailer);
    }

    [Fact]
    public async Task Create_Development_WritesToTheGivenWriter()
    {
        var stdout = new StringWriter();
        var mailer = MailerFactory.Create(true, null, 587, null, null, "LOGIN", NoSendmail, stdout);

        await mailer.SendAsync(new MailMessageData("f@example.test", "t@example.test", "s", "b"), CancellationToken.None);

        Assert.Contains("To: t@example.test", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_SmtpHostSet_UsesSmtp()
    {
        var mailer = MailerFactory.Create(false, "smtp.example.com", 465, "u", "p", "PLAIN", NoSendmail, TextWriter.Null);

        var smtp = Assert.IsType<SmtpMailer>(mailer);
        Assert.Equal("SMTP smtp.example.com:465 (ImplicitTls, auth Plain)", smtp.ToString());
    }

    [Fact]
    public void Create_SmtpHostWithUnknownAuthType_ThrowsMailException()
    {
        Assert.Throws<MailException>(() =>
            MailerFactory.Create(false, "smtp.example.com", 587, "u", "p", "GSSAPI", NoSendmail, TextWriter.Null));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Create_NoSmtpHostAndSendmailFound_UsesSendmail(string? host)
    {
        var mailer = MailerFactory.Create(false, host, 587, null, null, "LOGIN", () => "/usr/sbin/sendmail", TextWriter.Null);

        Assert.Equal("/usr/sbin/sendmail", Assert.IsType<SendmailMailer>(mailer).SendmailPath);
    }

    [Fact]
    public async Task Create_NoSmtpHostAndNoSendmail_EverySendFailsWithAdvice()
    {
        var mailer = MailerFactory.Create(false, null, 587, null, null, "LOGIN", NoSendmail, TextWriter.Null);

        var e = await Assert.ThrowsAsync<MailException>(() =>
            mailer.SendAsync(new MailMessageData("f@example.test", "t@example.test", "s", "b"), CancellationToken.None));

        Assert.Contains("OFFEN_SMTP_HOST is not set and no sendmail was found on PATH", e.Message, StringComparison.Ordinal);
    }
}
