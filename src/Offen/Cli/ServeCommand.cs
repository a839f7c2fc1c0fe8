using Offen.Configuration;
using Offen.Hosting;
using Offen.Hosting.Acme;

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
            var listen = new ListenOptions(config.Server.Host ?? System.Net.IPAddress.Any, config.Server.Port) { Tls = tls };
            AcmeCertificateManager? acme = null;
            if (tls is null && config.Server.UsesAutoTls)
            {
                // §7 rule 2: Let's Encrypt for the listed hosts on :80 and :443; OFFEN_SERVER_PORT is ignored.
                var challenges = new Http01ChallengeStore();
                acme = new AcmeCertificateManager(new AcmeOptions
                {
                    DirectoryUrl = new Uri(config.Server.AcmeDirectory),
                    Hosts = config.Server.AutoTls,
                    Email = string.IsNullOrEmpty(config.Server.LetsEncryptEmail) ? null : config.Server.LetsEncryptEmail,
                    CacheDirectory = config.Server.CertificateCache,
                }, challenges, TimeProvider.System, Runtime.LoggerFor<AcmeCertificateManager>(config));
                listen = listen with { AutoTls = new AutoTlsListen(80, 443, acme, challenges) };
            }
            using (acme)
            {
                var app = OffenApp.Build(Runtime.SettingsFrom(config), store, Runtime.MailerFrom(config), listen,
                    Runtime.LogLevelOf(config.App.LogLevel), runExpiryJob: config.App.SingleNode);
                CliLog.Info("Server now listening", acme is null ? [("port", config.Server.Port)] : [("http", 80), ("https", 443)]);
                return await Runtime.RunUntilStoppedAsync(app);
            }
        }
    }
}
