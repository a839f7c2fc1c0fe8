using Offen.Configuration;
using Offen.Hosting;

namespace Offen.Cli;

/// <summary>`offen serve` (server.md §9.4, §7).</summary>
public static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var flags = new Flags("serve").String("envfile", null, "set the location of the env file to use");
        flags.Parse(args);
        var config = ConfigLoader.FromProcess(flags.Get("envfile"));
        // server.md §7 rule 1: a pair that cannot be served stops startup first, as the only output line.
        TlsCertificate? tls = null;
        if (config.Server is { UsesCertificateFiles: true, SslCertificate: { } certificatePath, SslKey: { } keyPath })
        {
            try
            {
                tls = TlsCertificates.Load(certificatePath, keyPath);
            }
            catch (TlsCertificateException e)
            {
                throw new CliException($"offen serve: {e.Message}");
            }
        }
        if (config.SecretWasGenerated)
            CliLog.Warn("OFFEN_SECRET is not set: using a random secret, logins and emailed links will not survive a restart");
        if (string.IsNullOrEmpty(config.Smtp.Host) && !config.App.Development)
        {
            // §8: serve warns twice when SMTP is not configured.
            CliLog.Warn("OFFEN_SMTP_HOST is not set: emails will be sent using the local sendmail, which may not deliver them");
            CliLog.Warn("Configure OFFEN_SMTP_* to send password reset and invitation emails reliably");
        }
        var store = await Runtime.OpenStoreAsync(config);
        await using (store)
        {
            if (config.App.SingleNode)
            {
                try
                {
                    await store.MigrateAsync();
                }
                catch (Exception e)
                {
                    throw new CliException($"error applying database migrations: {e.Message}");
                }
            }
            var app = OffenApp.Build(Runtime.SettingsFrom(config), store, Runtime.MailerFrom(config), Runtime.AnyAddress(config.Server.Port) with { Tls = tls },
                Runtime.LogLevelOf(config.App.LogLevel), runExpiryJob: config.App.SingleNode);
            CliLog.Info("Server now listening", ("port", config.Server.Port));
            return await Runtime.RunUntilStoppedAsync(app);
        }
    }
}
