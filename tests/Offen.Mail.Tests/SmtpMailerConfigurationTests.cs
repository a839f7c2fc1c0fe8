namespace Offen.Mail.Tests;

public sealed class SmtpMailerConfigurationTests
{
    [Theory]
    [InlineData("smtp.example.com", 587, "StartTlsRequired")]
    [InlineData("smtp.example.com", 25, "StartTlsRequired")]
    [InlineData("192.0.2.10", 587, "StartTlsRequired")]
    [InlineData("smtp.example.com", 465, "ImplicitTls")]
    [InlineData("127.0.0.1", 465, "ImplicitTls")]
    [InlineData("127.0.0.1", 25, "StartTlsWhenOffered")]
    [InlineData("127.1.2.3", 2525, "StartTlsWhenOffered")]
    [InlineData("::1", 587, "StartTlsWhenOffered")]
    [InlineData("[::1]", 587, "StartTlsWhenOffered")]
    [InlineData("localhost", 25, "StartTlsWhenOffered")]
    [InlineData("LocalHost", 25, "StartTlsWhenOffered")]
    [InlineData("mail.localhost", 25, "StartTlsWhenOffered")]
    [InlineData("localhost.example.com", 25, "StartTlsRequired")]
    [InlineData("127.0.0.1.nip.io", 25, "StartTlsRequired")]
    public void ChooseSecurity_PortAndHost_DecideTransportSecurity(string host, int port, string expected)
    {
        Assert.Equal(Enum.Parse<SmtpTransportSecurity>(expected), SmtpMailer.ChooseSecurity(host, port));
    }

    [Theory]
    [InlineData("LOGIN")]
    [InlineData("plain")]
    [InlineData("Cram-Md5")]
    [InlineData("noauth")]
    public void Constructor_KnownAuthTypeInAnyCase_IsAccepted(string authType)
    {
        _ = new SmtpMailer("smtp.example.com", 587, "u", "p", authType, SmtpMailer.DefaultTimeout);
    }

    [Theory]
    [InlineData("XOAUTH2")]
    [InlineData("")]
    [InlineData("CRAM_MD5")]
    public void Constructor_UnknownAuthType_ThrowsMailException(string authType)
    {
        var e = Assert.Throws<MailException>(() => new SmtpMailer("smtp.example.com", 587, "u", "p", authType, SmtpMailer.DefaultTimeout));

        Assert.Contains("use LOGIN, PLAIN, CRAM-MD5 or NOAUTH", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 587)]
    [InlineData("smtp.example.com", 0)]
    [InlineData("smtp.example.com", 70000)]
    public void Constructor_InvalidHostOrPort_ThrowsMailException(string host, int port)
    {
        Assert.Throws<MailException>(() => new SmtpMailer(host, port, null, null, "NOAUTH", SmtpMailer.DefaultTimeout));
    }

    [Fact]
    public void DefaultTimeout_IsFifteenSeconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(15), SmtpMailer.DefaultTimeout);
    }

    [Fact]
    public void ToString_NeverShowsPasswordOrUser()
    {
        var text = new SmtpMailer("smtp.example.com", 587, "operator@example.com", "hunter2-secret", "LOGIN", SmtpMailer.DefaultTimeout).ToString();

        Assert.Equal("SMTP smtp.example.com:587 (StartTlsRequired, auth Login)", text);
    }
}
