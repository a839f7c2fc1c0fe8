using System.Text;
using Offen.Configuration;

namespace Offen.Cli.Tests;

public sealed class ConfigLoaderDefaultsTests
{
    [Fact]
    public void Load_WithNothingSet_UsesTheLinuxDefaults()
    {
        var c = Vars.Resolve();

        Assert.Equal(3000, c.Server.Port);
        Assert.False(c.Server.ReverseProxy);
        Assert.Null(c.Server.SslCertificate);
        Assert.Null(c.Server.SslKey);
        Assert.Empty(c.Server.AutoTls);
        Assert.Null(c.Server.LetsEncryptEmail);
        Assert.Equal("/var/www/.cache", c.Server.CertificateCache);
        Assert.Equal("https://acme-v02.api.letsencrypt.org/directory", c.Server.AcmeDirectory);
        Assert.Equal("sqlite3", c.Database.Dialect);
        Assert.Equal("/var/opt/offen/offen.db", c.Database.ConnectionString);
        Assert.Equal(0, c.Database.ConnectionRetries);
        Assert.False(c.App.Development);
        Assert.Equal("info", c.App.LogLevel);
        Assert.True(c.App.SingleNode);
        Assert.Equal("en", c.App.Locale);
        Assert.Null(c.App.RootAccount);
        Assert.Null(c.App.DeployTarget);
        Assert.Equal("6months", c.App.Retention);
        Assert.Equal(TimeSpan.FromHours(4464), c.App.RetentionPeriod);
        Assert.Null(c.Smtp.Host);
        Assert.False(c.Smtp.IsConfigured);
        Assert.Equal(587, c.Smtp.Port);
        Assert.Null(c.Smtp.User);
        Assert.Null(c.Smtp.Password);
        Assert.Equal("LOGIN", c.Smtp.AuthType);
        Assert.Equal("no-reply@offen.dev", c.Smtp.Sender);
        Assert.Null(c.ArgonNumCpuOverride);
        Assert.Null(c.EnvFilePath);
        Assert.Empty(c.UnknownVariables);
    }

    [Fact]
    public void Load_WithoutSecret_GeneratesSixteenRandomBytesAndSaysSo()
    {
        var a = Vars.Resolve();
        var b = Vars.Resolve();

        Assert.True(a.SecretWasGenerated);
        Assert.Equal(16, a.Secret.Length);
        Assert.NotEqual(a.Secret, b.Secret);
    }

    [Fact]
    public void Load_OnWindows_UsesWindowsDefaultsExpandedFromTheEnvironment()
    {
        var c = ConfigLoader.FromVariables(
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["APPDATA"] = @"C:\Users\u\AppData\Roaming", ["TEMP"] = @"C:\Temp" },
            Path.GetTempPath(), isWindows: true);

        Assert.Equal(@"C:\Users\u\AppData\Roaming\offen\.cache", c.Server.CertificateCache);
        Assert.Equal(@"C:\Temp\offen.db", c.Database.ConnectionString);
    }

    [Theory]
    [InlineData("6months", 4464 * 60)]
    [InlineData("12weeks", 84 * 24 * 60)]
    [InlineData("6weeks", 42 * 24 * 60)]
    [InlineData("30days", 30 * 24 * 60)]
    [InlineData("7days", 7 * 24 * 60)]
    public void Retention_EachToken_HasItsPeriod(string token, int minutes)
    {
        var c = Vars.Resolve(("OFFEN_APP_RETENTION", token));

        Assert.Equal(token, c.App.Retention);
        Assert.Equal(TimeSpan.FromMinutes(minutes), c.App.RetentionPeriod);
    }
}

public sealed class ConfigLoaderValueTests
{
    [Fact]
    public void Load_EveryKeySet_IsReadIntoTheRecord()
    {
        var c = Vars.Resolve(
            ("OFFEN_SERVER_PORT", "8080"),
            ("OFFEN_SERVER_HOST", "::1"),
            ("OFFEN_SERVER_REVERSEPROXY", "true"),
            ("OFFEN_SERVER_SSLCERTIFICATE", "/certs/cert.pem"),
            ("OFFEN_SERVER_SSLKEY", "/certs/key.pem"),
            ("OFFEN_SERVER_AUTOTLS", "a.example,b.example"),
            ("OFFEN_SERVER_LETSENCRYPTEMAIL", "ops@example.com"),
            ("OFFEN_SERVER_CERTIFICATECACHE", "/cache"),
            ("OFFEN_SERVER_ACMEDIRECTORY", "https://127.0.0.1:14000/dir"),
            ("OFFEN_DATABASE_DIALECT", "postgres"),
            ("OFFEN_DATABASE_CONNECTIONSTRING", "postgres://u:p@localhost:5432/offen"),
            ("OFFEN_DATABASE_CONNECTIONRETRIES", "3"),
            ("OFFEN_APP_DEVELOPMENT", "1"),
            ("OFFEN_APP_LOGLEVEL", "DEBUG"),
            ("OFFEN_APP_SINGLENODE", "F"),
            ("OFFEN_APP_LOCALE", "vi"),
            ("OFFEN_APP_ROOTACCOUNT", "9b63c4d8-65c0-438c-9d30-cc4b01173393"),
            ("OFFEN_APP_RETENTION", "7days"),
            ("OFFEN_SECRET", "AAECAwQFBgcICQoLDA0ODw=="),
            ("OFFEN_SMTP_HOST", "smtp.example.com"),
            ("OFFEN_SMTP_PORT", "465"),
            ("OFFEN_SMTP_USER", "me"),
            ("OFFEN_SMTP_PASSWORD", "pw"),
            ("OFFEN_SMTP_AUTHTYPE", "cram-md5"),
            ("OFFEN_SMTP_SENDER", "analytics@example.com"),
            ("OFFEN_ARGONNUMCPUOVERRIDE", "4"));

        Assert.Equal(8080, c.Server.Port);
        Assert.Equal(System.Net.IPAddress.IPv6Loopback, c.Server.Host);
        Assert.True(c.Server.ReverseProxy);
        Assert.Equal("/certs/cert.pem", c.Server.SslCertificate);
        Assert.Equal("/certs/key.pem", c.Server.SslKey);
        Assert.True(c.Server.UsesCertificateFiles);
        Assert.False(c.Server.UsesAutoTls);
        Assert.Equal(["a.example", "b.example"], c.Server.AutoTls);
        Assert.Equal("ops@example.com", c.Server.LetsEncryptEmail);
        Assert.Equal("/cache", c.Server.CertificateCache);
        Assert.Equal("https://127.0.0.1:14000/dir", c.Server.AcmeDirectory);
        Assert.Equal("postgres", c.Database.Dialect);
        Assert.Equal("postgres://u:p@localhost:5432/offen", c.Database.ConnectionString);
        Assert.Equal(3, c.Database.ConnectionRetries);
        Assert.True(c.App.Development);
        Assert.Equal("debug", c.App.LogLevel);
        Assert.False(c.App.SingleNode);
        Assert.Equal("vi", c.App.Locale);
        Assert.Equal("9b63c4d8-65c0-438c-9d30-cc4b01173393", c.App.RootAccount);
        Assert.Equal(TimeSpan.FromDays(7), c.App.RetentionPeriod);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (byte)i).ToArray(), c.Secret);
        Assert.False(c.SecretWasGenerated);
        Assert.Equal("smtp.example.com", c.Smtp.Host);
        Assert.True(c.Smtp.IsConfigured);
        Assert.Equal(465, c.Smtp.Port);
        Assert.Equal("me", c.Smtp.User);
        Assert.Equal("pw", c.Smtp.Password);
        Assert.Equal("CRAM-MD5", c.Smtp.AuthType);
        Assert.Equal("analytics@example.com", c.Smtp.Sender);
        Assert.Equal(4, c.ArgonNumCpuOverride);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("t", true)]
    [InlineData("T", true)]
    [InlineData("TRUE", true)]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("0", false)]
    [InlineData("f", false)]
    [InlineData("F", false)]
    [InlineData("FALSE", false)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    public void Bool_GoParseBoolSpellings_AreAccepted(string raw, bool expected)
    {
        Assert.Equal(expected, Vars.Resolve(("OFFEN_SERVER_REVERSEPROXY", raw)).Server.ReverseProxy);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("tRUE")]
    [InlineData("on")]
    [InlineData(" true")]
    public void Bool_OtherSpellings_AreRejectedNamingTheVariable(string raw)
    {
        var e = Vars.Fails(("OFFEN_APP_DEVELOPMENT", raw));

        Assert.StartsWith("OFFEN_APP_DEVELOPMENT: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("true or false", e.Message, StringComparison.Ordinal);
        Assert.Equal("OFFEN_APP_DEVELOPMENT", e.Variable);
    }

    [Theory]
    [InlineData("8080", 8080)]
    [InlineData("0x1F90", 8080)]
    [InlineData("0o17620", 8080)]
    [InlineData("017620", 8080)]
    [InlineData("0b1111110010000", 8080)]
    [InlineData("8_080", 8080)]
    [InlineData("+80", 80)]
    [InlineData("0", 0)]
    [InlineData("65535", 65535)]
    public void Port_GoIntegerSyntax_IsAccepted(string raw, int expected)
    {
        Assert.Equal(expected, Vars.Resolve(("OFFEN_SERVER_PORT", raw)).Server.Port);
    }

    [Theory]
    [InlineData("80a")]
    [InlineData(" 80")]
    [InlineData("80\n")]
    [InlineData("08")]
    [InlineData("_80")]
    [InlineData("3.5")]
    public void Port_NotAnInteger_IsRejected(string raw)
    {
        var e = Vars.Fails(("OFFEN_SERVER_PORT", raw));

        Assert.StartsWith("OFFEN_SERVER_PORT: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("is not an integer", e.Message, StringComparison.Ordinal);
        Vars.AssertOneLine(e.Message);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("65536")]
    [InlineData("99999999999999999999")]
    public void Port_OutOfRange_IsRejected(string raw)
    {
        var e = Vars.Fails(("OFFEN_SERVER_PORT", raw));

        Assert.StartsWith("OFFEN_SERVER_PORT: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("0 to 65535", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SmtpPort_Zero_IsRejected()
    {
        var e = Vars.Fails(("OFFEN_SMTP_PORT", "0"));

        Assert.Contains("1 to 65535", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("[::1]", "::1")]
    [InlineData("", null)]
    public void ServerHost_IsAnIpLiteral_OrAllInterfaces(string raw, string? expected)
    {
        Assert.Equal(expected, Vars.Resolve(("OFFEN_SERVER_HOST", raw)).Server.Host?.ToString());
    }

    [Fact]
    public void ServerHost_NotAnAddress_IsRejectedWithTheKey()
    {
        var e = Vars.Fails(("OFFEN_SERVER_HOST", "offen.example.org"));

        Assert.StartsWith("OFFEN_SERVER_HOST: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("not an IP address", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConnectionRetries_Negative_IsRejected()
    {
        var e = Vars.Fails(("OFFEN_DATABASE_CONNECTIONRETRIES", "-2"));

        Assert.StartsWith("OFFEN_DATABASE_CONNECTIONRETRIES: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OFFEN_SERVER_PORT")]
    [InlineData("OFFEN_SERVER_REVERSEPROXY")]
    [InlineData("OFFEN_DATABASE_DIALECT")]
    [InlineData("OFFEN_DATABASE_CONNECTIONRETRIES")]
    [InlineData("OFFEN_APP_DEVELOPMENT")]
    [InlineData("OFFEN_APP_LOGLEVEL")]
    [InlineData("OFFEN_APP_SINGLENODE")]
    [InlineData("OFFEN_APP_LOCALE")]
    [InlineData("OFFEN_APP_DEPLOYTARGET")]
    [InlineData("OFFEN_APP_RETENTION")]
    [InlineData("OFFEN_SMTP_PORT")]
    [InlineData("OFFEN_SMTP_AUTHTYPE")]
    public void TypedVariable_SetButEmpty_IsFatal(string key)
    {
        var e = Vars.Fails((key, ""));

        Assert.Equal($"{key}: is set but empty; ", e.Message[..($"{key}: is set but empty; ".Length)]);
        Assert.Equal(key, e.Variable);
    }

    [Fact]
    public void StringVariables_SetButEmpty_AreTreatedAsUnsetWhereOptional()
    {
        var c = Vars.Resolve(
            ("OFFEN_SERVER_SSLCERTIFICATE", ""),
            ("OFFEN_SERVER_SSLKEY", ""),
            ("OFFEN_SERVER_AUTOTLS", ""),
            ("OFFEN_SERVER_LETSENCRYPTEMAIL", ""),
            ("OFFEN_APP_ROOTACCOUNT", ""),
            ("OFFEN_SMTP_HOST", ""),
            ("OFFEN_SMTP_PASSWORD", ""),
            ("OFFEN_SECRET", ""));

        Assert.Null(c.Server.SslCertificate);
        Assert.Empty(c.Server.AutoTls);
        Assert.Null(c.App.RootAccount);
        Assert.Null(c.Smtp.Host);
        Assert.Null(c.Smtp.Password);
        Assert.True(c.SecretWasGenerated);
    }

    [Fact]
    public void Dialect_Unknown_IsRejectedListingTheAllowedValues()
    {
        var e = Vars.Fails(("OFFEN_DATABASE_DIALECT", "mssql"));

        Assert.Equal("OFFEN_DATABASE_DIALECT: \"mssql\" is not one of sqlite3, postgres, mysql", e.Message);
    }

    [Fact]
    public void Dialect_IsCaseSensitiveLikeUpstream()
    {
        Assert.Throws<ConfigException>(() => Vars.Resolve(("OFFEN_DATABASE_DIALECT", "Postgres")));
    }

    [Theory]
    [InlineData("trace", "trace")]
    [InlineData("Debug", "debug")]
    [InlineData("INFO", "info")]
    [InlineData("warn", "warning")]
    [InlineData("warning", "warning")]
    [InlineData("error", "error")]
    [InlineData("fatal", "fatal")]
    [InlineData("panic", "panic")]
    public void LogLevel_LogrusNames_AreNormalized(string raw, string expected)
    {
        Assert.Equal(expected, Vars.Resolve(("OFFEN_APP_LOGLEVEL", raw)).App.LogLevel);
    }

    [Fact]
    public void LogLevel_MapsToMicrosoftLogLevels()
    {
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, Vars.Resolve().App.MinimumLogLevel);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, Vars.Resolve(("OFFEN_APP_LOGLEVEL", "warn")).App.MinimumLogLevel);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Critical, Vars.Resolve(("OFFEN_APP_LOGLEVEL", "panic")).App.MinimumLogLevel);
    }

    [Fact]
    public void LogLevel_Unknown_IsRejected()
    {
        var e = Vars.Fails(("OFFEN_APP_LOGLEVEL", "verbose"));

        Assert.Equal("OFFEN_APP_LOGLEVEL: \"verbose\" is not one of trace, debug, info, warn, warning, error, fatal, panic", e.Message);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("de")]
    [InlineData("fr")]
    [InlineData("es")]
    [InlineData("pt")]
    [InlineData("vi")]
    public void Locale_SupportedLocales_AreAccepted(string locale)
    {
        Assert.Equal(locale, Vars.Resolve(("OFFEN_APP_LOCALE", locale)).App.Locale);
    }

    [Theory]
    [InlineData("eo")]
    [InlineData("EN")]
    [InlineData("en-US")]
    public void Locale_Other_IsRejected(string locale)
    {
        var e = Vars.Fails(("OFFEN_APP_LOCALE", locale));

        Assert.EndsWith("is not one of en, de, fr, es, pt, vi", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("6month")]
    [InlineData("1year")]
    [InlineData("6Months")]
    public void Retention_UnknownToken_IsRejected(string token)
    {
        var e = Vars.Fails(("OFFEN_APP_RETENTION", token));

        Assert.EndsWith("is not one of 6months, 12weeks, 6weeks, 30days, 7days", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("login", "LOGIN")]
    [InlineData("Plain", "PLAIN")]
    [InlineData("cram-md5", "CRAM-MD5")]
    [InlineData("noauth", "NOAUTH")]
    public void SmtpAuthType_IsCaseInsensitiveAndNormalizedToUpperCase(string raw, string expected)
    {
        Assert.Equal(expected, Vars.Resolve(("OFFEN_SMTP_AUTHTYPE", raw)).Smtp.AuthType);
    }

    [Fact]
    public void SmtpAuthType_Unknown_IsReportedAtLoad()
    {
        var e = Vars.Fails(("OFFEN_SMTP_AUTHTYPE", "XOAUTH2"));

        Assert.Equal("OFFEN_SMTP_AUTHTYPE: \"XOAUTH2\" is not one of LOGIN, PLAIN, CRAM-MD5, NOAUTH", e.Message);
    }

    [Fact]
    public void DeployTarget_OtherThanHeroku_IsRejected()
    {
        var e = Vars.Fails(("OFFEN_APP_DEPLOYTARGET", "aws"));

        Assert.StartsWith("OFFEN_APP_DEPLOYTARGET: \"aws\" is not supported; expected heroku", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RootAccount_NotAUuid_IsRejected()
    {
        var e = Vars.Fails(("OFFEN_APP_ROOTACCOUNT", "my-account"));

        Assert.StartsWith("OFFEN_APP_ROOTACCOUNT: \"my-account\" is not an account id", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AutoTls_IsSplitOnCommasWithoutTrimming()
    {
        var c = Vars.Resolve(("OFFEN_SERVER_AUTOTLS", "a.com, b.com,,c.com"));

        Assert.Equal(["a.com", " b.com", "", "c.com"], c.Server.AutoTls);
        Assert.True(c.Server.UsesAutoTls);
    }

    [Fact]
    public void AutoTls_Blank_IsAnEmptyList()
    {
        Assert.Empty(Vars.Resolve(("OFFEN_SERVER_AUTOTLS", "  ")).Server.AutoTls);
    }

    [Fact]
    public void AcmeDirectory_NotAnHttpUrl_IsRejected()
    {
        var e = Vars.Fails(("OFFEN_SERVER_ACMEDIRECTORY", "acme.example/directory"));

        Assert.StartsWith("OFFEN_SERVER_ACMEDIRECTORY: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SslCertificate_WithoutKey_IsRejected()
    {
        var e = Vars.Fails(("OFFEN_SERVER_SSLCERTIFICATE", "/c.pem"));

        Assert.Equal(
            "OFFEN_SERVER_SSLCERTIFICATE is set but OFFEN_SERVER_SSLKEY is not; set both to serve TLS with your own certificate, or neither",
            e.Message);
    }

    [Fact]
    public void SslKey_WithoutCertificate_IsRejected()
    {
        var e = Vars.Fails(("OFFEN_SERVER_SSLKEY", "/k.pem"));

        Assert.StartsWith("OFFEN_SERVER_SSLKEY is set but OFFEN_SERVER_SSLCERTIFICATE is not", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CertificateFiles_WinOverAutoTls()
    {
        var c = Vars.Resolve(("OFFEN_SERVER_SSLCERTIFICATE", "/c"), ("OFFEN_SERVER_SSLKEY", "/k"), ("OFFEN_SERVER_AUTOTLS", "a.com"));

        Assert.True(c.Server.UsesCertificateFiles);
        Assert.False(c.Server.UsesAutoTls);
    }

    [Fact]
    public void ConnectionString_Empty_IsRejected()
    {
        var e = Vars.Fails(("OFFEN_DATABASE_CONNECTIONSTRING", ""));

        Assert.StartsWith("OFFEN_DATABASE_CONNECTIONSTRING: is empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CertificateCache_EmptyWithAutoTls_IsRejected()
    {
        var e = Vars.Fails(("OFFEN_SERVER_AUTOTLS", "a.com"), ("OFFEN_SERVER_CERTIFICATECACHE", ""));

        Assert.StartsWith("OFFEN_SERVER_CERTIFICATECACHE: is empty", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("127", 127)]
    [InlineData("+8", 8)]
    public void ArgonOverride_ValidCounts_AreRead(string raw, int expected)
    {
        Assert.Equal(expected, Vars.Resolve(("OFFEN_ARGONNUMCPUOVERRIDE", raw)).ArgonNumCpuOverride);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("128")]
    [InlineData("-1")]
    [InlineData("four")]
    [InlineData("0x4")]
    public void ArgonOverride_Invalid_IsRejected(string raw)
    {
        var e = Vars.Fails(("OFFEN_ARGONNUMCPUOVERRIDE", raw));

        Assert.StartsWith("OFFEN_ARGONNUMCPUOVERRIDE: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArgonOverride_HasNoFileForm()
    {
        var c = Vars.Resolve(("OFFEN_ARGONNUMCPUOVERRIDE_FILE", "/nonexistent"));

        Assert.Null(c.ArgonNumCpuOverride);
        Assert.Equal(["OFFEN_ARGONNUMCPUOVERRIDE_FILE"], c.UnknownVariables);
    }

    [Fact]
    public void UnknownOffenVariables_AreListedForAWarning()
    {
        using var s = new Sandbox();
        var user = s.Write("user", "me");

        var c = Vars.Resolve(
            ("OFFEN_SERVER_REVERSE_PROXY", "true"),
            ("OFFEN_SECRETS_COOKIEEXCHANGE", "x"),
            ("OFFEN_SMTP_USER_FILE", user),
            ("OFFEN_APP_DEMOACCOUNT", "x"),
            ("PATH", "/bin"));

        Assert.Equal(["OFFEN_SECRETS_COOKIEEXCHANGE", "OFFEN_SERVER_REVERSE_PROXY"], c.UnknownVariables);
    }

    [Fact]
    public void ErrorMessages_EscapeValuesToOneLineAndShortenThem()
    {
        var e = Vars.Fails(("OFFEN_APP_LOCALE", "x\ny\"" + new string('z', 200)));

        Vars.AssertOneLine(e.Message);
        Assert.Contains("\"x\\ny\\\"zz", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 200, e.Message);
    }
}

public sealed class ConfigLoaderSecretTests
{
    [Fact]
    public void Secret_StandardBase64_IsDecoded()
    {
        var c = Vars.Resolve(("OFFEN_SECRET", "c2VjcmV0LXNlY3JldCE/Pz8+Pj4="));

        Assert.Equal("secret-secret!???>>>", Encoding.ASCII.GetString(c.Secret));
        Assert.False(c.SecretWasGenerated);
    }

    [Fact]
    public void Secret_WithTrailingNewline_IsAcceptedLikeGo()
    {
        var c = Vars.Resolve(("OFFEN_SECRET", "AAECAwQFBgcICQoLDA0ODw==\n"));

        Assert.Equal(16, c.Secret.Length);
    }

    [Theory]
    [InlineData("AAECAwQFBgcICQoLDA0ODw")]
    [InlineData("AAECAwQFBgcICQoLDA0ODw-_")]
    [InlineData("AAECAwQF BgcICQoLDA0ODw==")]
    [InlineData("not base64 at all!")]
    [InlineData("c2VjcmV0LXNlY3JldCE_Pz8-Pj4=")]
    public void Secret_NotStandardPaddedBase64_IsRejectedWithoutEchoingIt(string raw)
    {
        var e = Vars.Fails(("OFFEN_SECRET", raw));

        Assert.StartsWith("OFFEN_SECRET: is not valid standard base64", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(raw, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(raw[..6], e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SmtpPassword_NeverAppearsInTheRecordsText()
    {
        var c = Vars.Resolve(("OFFEN_SMTP_PASSWORD", "hunter2-very-secret"));

        Assert.DoesNotContain("hunter2", c.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", c.Smtp.ToString(), StringComparison.Ordinal);
    }
}

public sealed class ConfigLoaderFileVariableTests
{
    [Fact]
    public void FileVariable_ContentIsUsedVerbatim()
    {
        using var s = new Sandbox();
        var path = s.Write("secrets/password", "  pass word\n");

        var c = s.Load(new Dictionary<string, string> { ["OFFEN_SMTP_PASSWORD_FILE"] = path });

        Assert.Equal("  pass word\n", c.Smtp.Password);
    }

    [Fact]
    public void FileVariable_RelativePath_IsResolvedAgainstTheCurrentDirectory()
    {
        using var s = new Sandbox();
        s.Write("cwd/locale.txt", "de");

        var c = s.Load(new Dictionary<string, string> { ["OFFEN_APP_LOCALE_FILE"] = "locale.txt" });

        Assert.Equal("de", c.App.Locale);
    }

    [Fact]
    public void FileVariable_TrailingNewlineInAnInt_IsFatalBecauseNothingIsTrimmed()
    {
        using var s = new Sandbox();
        var path = s.Write("port", "8080\n");

        var e = Assert.Throws<ConfigException>(() => s.Load(new Dictionary<string, string> { ["OFFEN_SERVER_PORT_FILE"] = path }));

        Assert.Equal("OFFEN_SERVER_PORT (read from OFFEN_SERVER_PORT_FILE): \"8080\\n\" is not an integer; expected a port number from 0 to 65535", e.Message);
    }

    [Fact]
    public void FileVariable_ForTheSecret_IsDecoded()
    {
        using var s = new Sandbox();
        var path = s.Write("secret", "AAECAwQFBgcICQoLDA0ODw==\n");

        var c = s.Load(new Dictionary<string, string> { ["OFFEN_SECRET_FILE"] = path });

        Assert.Equal(16, c.Secret.Length);
        Assert.False(c.SecretWasGenerated);
    }

    [Fact]
    public void FileVariable_AndTheVariableItself_BothSet_IsFatal()
    {
        using var s = new Sandbox();
        var path = s.Write("secret", "AAECAwQFBgcICQoLDA0ODw==");

        var e = Assert.Throws<ConfigException>(() => s.Load(new Dictionary<string, string>
        {
            ["OFFEN_SECRET"] = "AAECAwQFBgcICQoLDA0ODw==",
            ["OFFEN_SECRET_FILE"] = path,
        }));

        Assert.Equal("OFFEN_SECRET and OFFEN_SECRET_FILE are both set; set only one of them", e.Message);
    }

    [Fact]
    public void FileVariable_OneInTheEnvFileAndOneInTheEnvironment_IsFatalToo()
    {
        using var s = new Sandbox();
        s.Write("cwd/offen.env", "OFFEN_SMTP_HOST_FILE=/x\n");

        Assert.Throws<ConfigException>(() => s.Load(new Dictionary<string, string> { ["OFFEN_SMTP_HOST"] = "h" }));
    }

    [Fact]
    public void FileVariable_MissingFile_NamesTheFileVariable()
    {
        using var s = new Sandbox();

        var e = Assert.Throws<ConfigException>(() => s.Load(new Dictionary<string, string> { ["OFFEN_SMTP_PASSWORD_FILE"] = Path.Combine(s.Root, "nope") }));

        Assert.StartsWith("OFFEN_SMTP_PASSWORD_FILE: cannot read ", e.Message, StringComparison.Ordinal);
        Vars.AssertOneLine(e.Message);
    }

    [Fact]
    public void FileVariable_EmptySecretFileContent_IsNotEchoedOnError()
    {
        using var s = new Sandbox();
        var path = s.Write("secret", "top-secret-value");

        var e = Assert.Throws<ConfigException>(() => s.Load(new Dictionary<string, string> { ["OFFEN_SECRET_FILE"] = path }));

        Assert.DoesNotContain("top-secret", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("OFFEN_SECRET (read from OFFEN_SECRET_FILE): is not valid", e.Message, StringComparison.Ordinal);
    }
}

public sealed class ConfigLoaderEnvFileTests
{
    [Fact]
    public void Cascade_NoFileAnywhere_LoadsDefaultsWithoutAnEnvFile()
    {
        using var s = new Sandbox();

        var c = s.Load();

        Assert.Null(c.EnvFilePath);
    }

    [Fact]
    public void Cascade_PrefersTheCurrentDirectory()
    {
        using var s = new Sandbox();
        var cwd = s.Write("cwd/offen.env", "OFFEN_SERVER_PORT=1\n");
        s.Write("home/.config/offen.env", "OFFEN_SERVER_PORT=2\n");
        s.Write("xdg/offen.env", "OFFEN_SERVER_PORT=3\n");
        s.Write("etc/offen.env", "OFFEN_SERVER_PORT=4\n");

        var c = s.Load();

        Assert.Equal(1, c.Server.Port);
        Assert.Equal(cwd, c.EnvFilePath);
    }

    [Fact]
    public void Cascade_ThenHomeConfig()
    {
        using var s = new Sandbox();
        s.Write("home/.config/offen.env", "OFFEN_SERVER_PORT=2\n");
        s.Write("xdg/offen.env", "OFFEN_SERVER_PORT=3\n");
        s.Write("etc/offen.env", "OFFEN_SERVER_PORT=4\n");

        Assert.Equal(2, s.Load().Server.Port);
    }

    [Fact]
    public void Cascade_ThenXdgConfigHome()
    {
        using var s = new Sandbox();
        s.Write("xdg/offen.env", "OFFEN_SERVER_PORT=3\n");
        s.Write("etc/offen.env", "OFFEN_SERVER_PORT=4\n");

        Assert.Equal(3, s.Load().Server.Port);
    }

    [Fact]
    public void Cascade_ThenEtcOffen()
    {
        using var s = new Sandbox();
        var etc = s.Write("etc/offen.env", "OFFEN_SERVER_PORT=4\n");

        var c = s.Load();

        Assert.Equal(4, c.Server.Port);
        Assert.Equal(etc, c.EnvFilePath);
    }

    [Fact]
    public void Cascade_OnlyTheFirstExistingFileIsRead()
    {
        using var s = new Sandbox();
        s.Write("cwd/offen.env", "OFFEN_SERVER_PORT=1\n");
        s.Write("etc/offen.env", "OFFEN_APP_LOCALE=de\n");

        Assert.Equal("en", s.Load().App.Locale);
    }

    [Fact]
    public void Cascade_OnWindows_OnlyTheCurrentDirectoryIsSearched()
    {
        using var s = new Sandbox();
        s.Write("home/.config/offen.env", "OFFEN_SERVER_PORT=2\n");

        var c = s.Load(isWindows: true);

        Assert.Null(c.EnvFilePath);
        Assert.Equal(3000, c.Server.Port);
        Assert.Single(ConfigLoader.CascadeCandidates(s.Cwd, s.Home, s.Xdg, isWindows: true));
    }

    [Fact]
    public void Cascade_CandidatesAreInDocumentedOrder()
    {
        var list = ConfigLoader.CascadeCandidates("/w", "/h", "/x");

        Assert.Equal(["/w/offen.env", "/h/.config/offen.env", "/x/offen.env", "/etc/offen/offen.env"], list);
    }

    [Fact]
    public void ExplicitEnvFile_IsUsedInsteadOfTheCascade()
    {
        using var s = new Sandbox();
        s.Write("cwd/offen.env", "OFFEN_SERVER_PORT=1\n");
        var explicitFile = s.Write("custom/my.env", "OFFEN_SERVER_PORT=9\n");

        var c = s.Load(envFile: explicitFile);

        Assert.Equal(9, c.Server.Port);
        Assert.Equal(explicitFile, c.EnvFilePath);
    }

    [Fact]
    public void ExplicitEnvFile_RelativeToTheCurrentDirectory()
    {
        using var s = new Sandbox();
        s.Write("cwd/conf/x.env", "OFFEN_SERVER_PORT=9\n");

        Assert.Equal(9, s.Load(envFile: "conf/x.env").Server.Port);
    }

    [Fact]
    public void ExplicitEnvFile_Missing_IsFatal()
    {
        using var s = new Sandbox();
        s.Write("cwd/offen.env", "OFFEN_SERVER_PORT=1\n");

        var e = Assert.Throws<ConfigException>(() => s.Load(envFile: "missing.env"));

        Assert.StartsWith("-envfile: \"", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("missing.env\" does not exist or is not a file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnvFile_NeverOverridesTheRealEnvironment()
    {
        using var s = new Sandbox();
        s.Write("cwd/offen.env", "OFFEN_SERVER_PORT=1\nOFFEN_APP_LOCALE=de\nOFFEN_SMTP_HOST=file-host\n");

        var c = s.Load(new Dictionary<string, string> { ["OFFEN_SERVER_PORT"] = "2", ["OFFEN_SMTP_HOST"] = "" });

        Assert.Equal(2, c.Server.Port);
        Assert.Equal("de", c.App.Locale);
        Assert.Null(c.Smtp.Host);
    }

    [Fact]
    public void EnvFile_SetsArgonOverrideAndHerokuVariablesToo()
    {
        using var s = new Sandbox();
        s.Write("cwd/offen.env", "OFFEN_ARGONNUMCPUOVERRIDE=2\nOFFEN_APP_DEPLOYTARGET=heroku\nPORT=5000\n");

        var c = s.Load();

        Assert.Equal(2, c.ArgonNumCpuOverride);
        Assert.Equal(5000, c.Server.Port);
    }

    [Fact]
    public void EnvFile_Malformed_IsFatalWithTheLineButNotTheValue()
    {
        using var s = new Sandbox();
        s.Write("cwd/offen.env", "OFFEN_SERVER_PORT=1\nOFFEN_SECRET=\"abc-secret\n");

        var e = Assert.Throws<ConfigException>(() => s.Load());

        Assert.Contains("line 2: unterminated quoted value", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abc-secret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnvFile_ExpandsReferencesFromTheFileAndTheEnvironment()
    {
        using var s = new Sandbox();
        s.Write("cwd/offen.env", "DIR=/srv\nOFFEN_DATABASE_CONNECTIONSTRING=${DIR}/offen-${SUFFIX}.db\n");

        var c = s.Load(new Dictionary<string, string> { ["SUFFIX"] = "prod" });

        Assert.Equal("/srv/offen-prod.db", c.Database.ConnectionString);
    }

    [Fact]
    public void EnvStrings_AreExpandedWithTheMergedEnvironment()
    {
        using var s = new Sandbox();
        // Single quotes keep the reference for the EnvString expansion at use time.
        s.Write("cwd/offen.env", "OFFEN_SERVER_CERTIFICATECACHE='${CACHE_ROOT}/certs'\nCACHE_ROOT=/from-file\n");

        var c = s.Load(new Dictionary<string, string>
        {
            ["OFFEN_SERVER_SSLCERTIFICATE"] = "$TLS/cert.pem",
            ["OFFEN_SERVER_SSLKEY"] = "${TLS}/key.pem",
            ["OFFEN_DATABASE_CONNECTIONSTRING"] = "postgres://offen:${DB_PASSWORD}@db/offen",
            ["TLS"] = "/tls",
            ["DB_PASSWORD"] = "pw",
        });

        Assert.Equal("/tls/cert.pem", c.Server.SslCertificate);
        Assert.Equal("/tls/key.pem", c.Server.SslKey);
        Assert.Equal("/from-file/certs", c.Server.CertificateCache);
        Assert.Equal("postgres://offen:pw@db/offen", c.Database.ConnectionString);
    }

    [Fact]
    public void NonEnvStrings_AreNotExpanded()
    {
        var c = Vars.Resolve(("OFFEN_SMTP_PASSWORD", "pa$word"), ("OFFEN_SMTP_SENDER", "${X}@example.com"), ("X", "y"));

        Assert.Equal("pa$word", c.Smtp.Password);
        Assert.Equal("${X}@example.com", c.Smtp.Sender);
    }
}

public sealed class ConfigLoaderHerokuTests
{
    [Fact]
    public void Heroku_ReadsDatabaseUrlPortAndRawAppSecret()
    {
        var c = Vars.Resolve(
            ("OFFEN_APP_DEPLOYTARGET", "heroku"),
            ("OFFEN_SECRET", "AAECAwQFBgcICQoLDA0ODw=="),
            ("DATABASE_URL", "postgres://u:p@host:5432/db"),
            ("PORT", "9999"),
            ("APP_SECRET", "abcdefghijk"));

        Assert.Equal("heroku", c.App.DeployTarget);
        Assert.Equal("postgres://u:p@host:5432/db", c.Database.ConnectionString);
        Assert.Equal(9999, c.Server.Port);
        Assert.Equal("abcdefghijk"u8.ToArray(), c.Secret);
        Assert.False(c.SecretWasGenerated);
    }

    [Fact]
    public void Heroku_UnsetOrEmptyOverrides_KeepTheOffenValues()
    {
        var c = Vars.Resolve(
            ("OFFEN_APP_DEPLOYTARGET", "heroku"),
            ("OFFEN_SERVER_PORT", "4000"),
            ("OFFEN_DATABASE_CONNECTIONSTRING", "/data/offen.db"),
            ("DATABASE_URL", ""),
            ("PORT", "0"),
            ("APP_SECRET", ""));

        Assert.Equal(4000, c.Server.Port);
        Assert.Equal("/data/offen.db", c.Database.ConnectionString);
        Assert.True(c.SecretWasGenerated);
    }

    [Fact]
    public void Heroku_InvalidPort_IsFatal()
    {
        var e = Vars.Fails(("OFFEN_APP_DEPLOYTARGET", "heroku"), ("PORT", "web"));

        Assert.StartsWith("PORT: \"web\" is not an integer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutHeroku_UnprefixedVariablesAreIgnored()
    {
        var c = Vars.Resolve(("DATABASE_URL", "postgres://x"), ("PORT", "1"), ("APP_SECRET", "s"));

        Assert.Equal(3000, c.Server.Port);
        Assert.Equal("/var/opt/offen/offen.db", c.Database.ConnectionString);
        Assert.True(c.SecretWasGenerated);
    }
}
