using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Offen.Mail.Tests.Infrastructure;

namespace Offen.Mail.Tests;

[Collection(SmtpSinkCollection.Name)]
public sealed class SmtpMailerTests(SmtpSinks sinks)
{
    private const string Sender = "no-reply@offen.dev";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static string NewRecipient() => $"user-{Guid.NewGuid():N}@example.test";

    private static MailMessageData Message(string to, string subject = "Reset your password", string body = "Hi!\n\nhttps://offen.example/reset/abc/\n") =>
        new(Sender, to, subject, body);

    private SmtpMailer Mailer(SmtpSink sink, string authType = "NOAUTH", string? user = null, string? password = null,
        SmtpTransportSecurity? security = null, bool trustTestCertificate = true) =>
        new("127.0.0.1", sink.Port, user, password, authType, Timeout,
            trustTestCertificate ? sinks.Certificate.TrustIt : null, security);

    [Fact]
    public async Task SendAsync_PlainLoopbackServer_DeliversEnvelopeHeadersAndBody()
    {
        var to = NewRecipient();
        const string body = "Hi!\n\nYou have requested to reset your password.\n\nhttps://offen.example/reset-password/a+b&c=d/\n";

        await Mailer(sinks.Plain).SendAsync(new MailMessageData(Sender, to, "Reset your password", body), CancellationToken.None);

        var mail = sinks.Plain.SingleTo(to);
        Assert.Equal(Sender, mail.MailFrom);
        Assert.Equal([to], mail.RcptTos);
        Assert.Equal(Sender, mail.From);
        Assert.Equal(to, mail.To);
        Assert.Equal("Reset your password", mail.Subject);
        Assert.Equal("Offen Fair Web Analytics", mail.UserAgent);
        Assert.Equal("Offen Fair Web Analytics", mail.XMailer);
        Assert.Equal("text/plain", mail.ContentType);
        Assert.Equal("UTF-8", mail.Charset);
        Assert.Equal(body, mail.Body!.ReplaceLineEndings("\n"));
        Assert.Null(mail.AuthLogin);
        Assert.False(mail.Tls);
    }

    [Fact]
    public async Task SendAsync_RawMessage_IsPlainTextUtf8WithOffenHeaders()
    {
        var to = NewRecipient();

        await Mailer(sinks.Plain).SendAsync(Message(to), CancellationToken.None);

        var raw = sinks.Plain.RawMessage(sinks.Plain.SingleTo(to));
        Assert.Contains("Content-Type: text/plain; charset=UTF-8\r\n", raw, StringComparison.Ordinal);
        Assert.Contains("User-Agent: Offen Fair Web Analytics\r\n", raw, StringComparison.Ordinal);
        Assert.Contains("X-Mailer: Offen Fair Web Analytics\r\n", raw, StringComparison.Ordinal);
        Assert.Contains("Subject: Reset your password\r\n", raw, StringComparison.Ordinal);
        Assert.Contains("\r\nDate: ", raw, StringComparison.Ordinal);
        Assert.Contains("\r\nMessage-Id: <", raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SendAsync_SenderWithDisplayName_KeepsNameInHeaderAndAddressInEnvelope()
    {
        var to = NewRecipient();

        await Mailer(sinks.Plain).SendAsync(new MailMessageData("Offen <no-reply@offen.dev>", to, "x", "y"), CancellationToken.None);

        var mail = sinks.Plain.SingleTo(to);
        Assert.Equal("no-reply@offen.dev", mail.MailFrom);
        Assert.Equal("Offen <no-reply@offen.dev>", mail.From);
    }

    [Fact]
    public async Task SendAsync_SubjectWithSurroundingNewlines_IsTrimmed()
    {
        var to = NewRecipient();

        await Mailer(sinks.Plain).SendAsync(Message(to, subject: "\n  Reset your password \n\n"), CancellationToken.None);

        Assert.Equal("Reset your password", sinks.Plain.SingleTo(to).Subject);
        Assert.Contains("Subject: Reset your password\r\n", sinks.Plain.RawMessage(sinks.Plain.SingleTo(to)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("de")]
    [InlineData("vi")]
    [InlineData("fr")]
    public async Task SendAsync_TranslatedTemplate_ArrivesAsUtf8SubjectAndBody(string locale)
    {
        var to = NewRecipient();
        const string url = "https://offen.example/reset-password/tok+en&x=1/";
        var (subject, body) = EmailTemplates.Render(EmailKind.ResetPassword, locale, url, null);

        await Mailer(sinks.Plain).SendAsync(new MailMessageData(Sender, to, subject, body), CancellationToken.None);

        var mail = sinks.Plain.SingleTo(to);
        Assert.Equal(subject, mail.Subject);
        Assert.Equal(body, mail.Body!.ReplaceLineEndings("\n"));
        Assert.Contains(url, mail.Body, StringComparison.Ordinal);
        // The header itself is RFC 2047-encoded ASCII, so it survives any relay.
        var subjectLine = sinks.Plain.RawMessage(mail).Split("\r\n").Single(l => l.StartsWith("Subject: ", StringComparison.Ordinal));
        Assert.True(subjectLine.All(char.IsAscii), subjectLine);
        Assert.Contains("=?utf-8?", subjectLine, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("LOGIN", "LOGIN")]
    [InlineData("PLAIN", "PLAIN")]
    [InlineData("CRAM-MD5", "CRAM-MD5")]
    [InlineData("login", "LOGIN")]
    [InlineData("cram-md5", "CRAM-MD5")]
    public async Task SendAsync_AuthType_ForcesThatMechanismAndLogsIn(string authType, string expectedMechanism)
    {
        var to = NewRecipient();

        await Mailer(sinks.Plain, authType, SmtpSinks.User, SmtpSinks.Password).SendAsync(Message(to), CancellationToken.None);

        var mail = sinks.Plain.SingleTo(to);
        Assert.Equal(SmtpSinks.User, mail.AuthLogin);
        Assert.Equal(expectedMechanism, mail.AuthMechanism);
    }

    [Fact]
    public async Task SendAsync_NoAuthType_SendsNoAuthEvenWithCredentials()
    {
        var to = NewRecipient();

        await Mailer(sinks.Plain, "NOAUTH", SmtpSinks.User, SmtpSinks.Password).SendAsync(Message(to), CancellationToken.None);

        Assert.Null(sinks.Plain.SingleTo(to).AuthLogin);
    }

    [Fact]
    public async Task SendAsync_LoginTypeWithoutUser_SendsNoAuth()
    {
        var to = NewRecipient();

        await Mailer(sinks.Plain, "LOGIN", user: null, password: null).SendAsync(Message(to), CancellationToken.None);

        Assert.Null(sinks.Plain.SingleTo(to).AuthLogin);
    }

    [Theory]
    [InlineData("LOGIN")]
    [InlineData("PLAIN")]
    [InlineData("CRAM-MD5")]
    public async Task SendAsync_WrongPassword_ThrowsOneLineMailExceptionWithoutSecrets(string authType)
    {
        var to = NewRecipient();
        const string wrongPassword = "wrong-Pa55word-do-not-leak";
        const string body = "secret body do-not-leak";

        var e = await Assert.ThrowsAsync<MailException>(() =>
            Mailer(sinks.Plain, authType, SmtpSinks.User, wrongPassword).SendAsync(Message(to, body: body), CancellationToken.None));

        Assert.Contains("rejected the " + authType + " login", e.Message, StringComparison.Ordinal);
        Assert.Contains("535", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-leak", e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(sinks.Plain.HasMailTo(to));
    }

    [Fact]
    public async Task SendAsync_LoopbackServerOfferingStartTls_UpgradesToTls()
    {
        var to = NewRecipient();

        await Mailer(sinks.StartTls, "PLAIN", SmtpSinks.User, SmtpSinks.Password).SendAsync(Message(to), CancellationToken.None);

        var mail = sinks.StartTls.SingleTo(to);
        Assert.True(mail.Tls);
        Assert.Contains(mail.TlsVersion, new[] { "TLSv1.2", "TLSv1.3" });
        Assert.Equal(SmtpSinks.User, mail.AuthLogin);
    }

    [Fact]
    public async Task SendAsync_StartTlsRequired_UsesStartTls()
    {
        var to = NewRecipient();

        await Mailer(sinks.StartTls, security: SmtpTransportSecurity.StartTlsRequired).SendAsync(Message(to), CancellationToken.None);

        Assert.True(sinks.StartTls.SingleTo(to).Tls);
    }

    [Fact]
    public async Task SendAsync_StartTlsRequiredButNotOffered_ThrowsMailException()
    {
        var to = NewRecipient();

        var e = await Assert.ThrowsAsync<MailException>(() =>
            Mailer(sinks.Plain, "LOGIN", SmtpSinks.User, SmtpSinks.Password, SmtpTransportSecurity.StartTlsRequired)
                .SendAsync(Message(to), CancellationToken.None));

        Assert.Contains("does not offer STARTTLS", e.Message, StringComparison.Ordinal);
        Assert.False(sinks.Plain.HasMailTo(to));
    }

    [Fact]
    public async Task SendAsync_ImplicitTls_SpeaksTlsFromTheFirstByte()
    {
        var to = NewRecipient();

        await Mailer(sinks.Smtps, "LOGIN", SmtpSinks.User, SmtpSinks.Password, SmtpTransportSecurity.ImplicitTls)
            .SendAsync(Message(to), CancellationToken.None);

        var mail = sinks.Smtps.SingleTo(to);
        Assert.True(mail.Tls);
        Assert.Equal(SmtpSinks.User, mail.AuthLogin);
    }

    [Fact]
    public async Task SendAsync_UntrustedCertificateWithSystemStore_ThrowsMailException()
    {
        var to = NewRecipient();

        var e = await Assert.ThrowsAsync<MailException>(() =>
            Mailer(sinks.StartTls, trustTestCertificate: false).SendAsync(Message(to), CancellationToken.None));

        Assert.Equal($"TLS handshake with SMTP server 127.0.0.1:{sinks.StartTls.Port} failed: the server certificate is not trusted (chain: UntrustedRoot)", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(sinks.StartTls.HasMailTo(to));
    }

    [Fact]
    public async Task SendAsync_QuitFailsAfterServerAcceptedMessage_Succeeds()
    {
        var to = NewRecipient();

        await Mailer(sinks.FailQuit).SendAsync(Message(to), CancellationToken.None);

        Assert.Equal([to], sinks.FailQuit.SingleTo(to).RcptTos);
    }

    [Fact]
    public async Task SendAsync_ServerRequiresAuthButNoAuthConfigured_ThrowsMailExceptionSayingSo()
    {
        var e = await Assert.ThrowsAsync<MailException>(() =>
            Mailer(sinks.AuthRequired).SendAsync(Message(NewRecipient()), CancellationToken.None));

        Assert.Equal($"SMTP server 127.0.0.1:{sinks.AuthRequired.Port} requires authentication; set OFFEN_SMTP_USER and OFFEN_SMTP_PASSWORD", e.Message);
    }

    [Fact]
    public async Task SendAsync_ServerRequiresAuthAndLoginConfigured_Delivers()
    {
        var to = NewRecipient();

        await Mailer(sinks.AuthRequired, "LOGIN", SmtpSinks.User, SmtpSinks.Password).SendAsync(Message(to), CancellationToken.None);

        Assert.Equal(SmtpSinks.User, sinks.AuthRequired.SingleTo(to).AuthLogin);
    }

    [Fact]
    public async Task SendAsync_NothingListening_FailsFastWithMailException()
    {
        var port = SmtpSink.FreeLoopbackPort();
        var mailer = new SmtpMailer("127.0.0.1", port, null, null, "NOAUTH", Timeout);
        var watch = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<MailException>(() => mailer.SendAsync(Message(NewRecipient()), CancellationToken.None));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
        Assert.Equal($"could not connect to SMTP server 127.0.0.1:{port}: ConnectionRefused", e.Message);
    }

    [Fact]
    public async Task SendAsync_ServerNeverGreets_TimesOutWithMailException()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accepted = silent.AcceptTcpClientAsync(); // holds the connection open without a word
        var mailer = new SmtpMailer("127.0.0.1", port, null, null, "NOAUTH", TimeSpan.FromSeconds(1));
        var watch = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<MailException>(() => mailer.SendAsync(Message(NewRecipient()), CancellationToken.None));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Contains("timed out after 1 s", e.Message, StringComparison.Ordinal);
        (await accepted).Dispose();
    }

    [Fact]
    public async Task SendAsync_CallerCancels_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Mailer(sinks.Plain).SendAsync(Message(NewRecipient()), cts.Token));
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("a@example.test, b@example.test")]
    [InlineData("")]
    public async Task SendAsync_InvalidRecipient_ThrowsMailExceptionWithoutTheAddress(string to)
    {
        var e = await Assert.ThrowsAsync<MailException>(() =>
            Mailer(sinks.Plain).SendAsync(Message(to), CancellationToken.None));

        Assert.Equal("the To address is not a valid email address", e.Message);
    }

    [Fact]
    public async Task MailerFactory_SmtpHostSet_SendsThroughSmtpWithConfiguredAuth()
    {
        var to = NewRecipient();
        var mailer = MailerFactory.Create(false, "127.0.0.1", sinks.Plain.Port, SmtpSinks.User, SmtpSinks.Password, "plain",
            () => throw new InvalidOperationException("sendmail must not be looked up"), TextWriter.Null);

        await mailer.SendAsync(Message(to), CancellationToken.None);

        var mail = sinks.Plain.SingleTo(to);
        Assert.Equal("PLAIN", mail.AuthMechanism);
        Assert.Equal(SmtpSinks.User, mail.AuthLogin);
    }

    [Fact]
    public void SinkPrerequisite_DebianPythonImportsAiosmtpd()
    {
        // Fails (does not skip) with an install hint when python3-aiosmtpd is missing.
        SmtpSink.EnsurePythonWithAiosmtpd();
    }
}
