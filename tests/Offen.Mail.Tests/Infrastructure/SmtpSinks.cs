namespace Offen.Mail.Tests.Infrastructure;

/// <summary>The sinks shared by every SMTP test, started once and in parallel (each is a python process).</summary>
public sealed class SmtpSinks : IAsyncLifetime
{
    public const string User = "offen";
    public const string Password = "s3cret-Pa55word";

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("offen-mail-sinks-");

    internal TestCertificate Certificate { get; private set; } = null!;

    /// <summary>Offers STARTTLS; accepts AUTH LOGIN, PLAIN and CRAM-MD5 for <see cref="User"/>.</summary>
    internal SmtpSink StartTls { get; private set; } = null!;

    /// <summary>No TLS at all; accepts the same AUTH, and mail without AUTH too.</summary>
    internal SmtpSink Plain { get; private set; } = null!;

    /// <summary>TLS from the first byte (what port 465 speaks), on a free port.</summary>
    internal SmtpSink Smtps { get; private set; } = null!;

    /// <summary>Breaks the connection on QUIT, after it has accepted the message.</summary>
    internal SmtpSink FailQuit { get; private set; } = null!;

    /// <summary>Answers 530 to MAIL before AUTH.</summary>
    internal SmtpSink AuthRequired { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Certificate = TestCertificate.Create(_work.FullName);
        var dir = _work.FullName;
        var startTls = SmtpSink.StartAsync(new SinkOptions(User, Password, Certificate), dir);
        var plain = SmtpSink.StartAsync(new SinkOptions(User, Password), dir);
        var smtps = SmtpSink.StartAsync(new SinkOptions(User, Password, Certificate, Smtps: true), dir);
        var failQuit = SmtpSink.StartAsync(new SinkOptions(FailQuit: true), dir);
        var authRequired = SmtpSink.StartAsync(new SinkOptions(User, Password, RequireAuth: true), dir);
        try
        {
            await Task.WhenAll(startTls, plain, smtps, failQuit, authRequired);
        }
        finally
        {
            // Keep whatever did start, so DisposeAsync stops it even when another one failed.
            StartTls = startTls.IsCompletedSuccessfully ? startTls.Result : null!;
            Plain = plain.IsCompletedSuccessfully ? plain.Result : null!;
            Smtps = smtps.IsCompletedSuccessfully ? smtps.Result : null!;
            FailQuit = failQuit.IsCompletedSuccessfully ? failQuit.Result : null!;
            AuthRequired = authRequired.IsCompletedSuccessfully ? authRequired.Result : null!;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var sink in new[] { StartTls, Plain, Smtps, FailQuit, AuthRequired })
        {
            if (sink is not null)
            {
                await sink.DisposeAsync();
            }
        }

        try
        {
            _work.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SmtpSinkCollection : ICollectionFixture<SmtpSinks>
{
    public const string Name = "SMTP sinks";
}
