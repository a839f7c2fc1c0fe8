using System.Net;
using Offen.Configuration;
using Offen.Hosting;
using Offen.Mail;
using Offen.Persistence;

namespace Offen.Cli;

/// <summary>What several commands share: the store (with connection retries), settings and the mailer.</summary>
public static class Runtime
{
    public static Dialect DialectOf(string dialect) => dialect switch
    {
        "sqlite3" => Dialect.Sqlite,
        "postgres" => Dialect.Postgres,
        "mysql" => Dialect.MySql,
        _ => throw new CliException($"unknown database dialect \"{dialect}\""),
    };

    /// <summary>OFFEN_DATABASE_CONNECTIONRETRIES: extra attempts with exponential backoff (0.5 s, ×1.5, jitter).</summary>
    public static async Task<OffenStore> OpenStoreAsync(OffenConfig config, CancellationToken ct = default)
    {
        OffenStore store;
        try
        {
            store = OffenStore.Open(DialectOf(config.Database.Dialect), config.Database.ConnectionString);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"error opening database: {e.Message}");
        }
        var delay = TimeSpan.FromMilliseconds(500);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await store.PingAsync(ct);
                return store;
            }
            catch (Exception e) when (e is not OperationCanceledException && attempt < config.Database.ConnectionRetries)
            {
                var wait = delay * (0.75 + Random.Shared.NextDouble() * 0.5);
                CliLog.Warn("Error connecting to database, retrying", ("attempt", attempt + 1), ("wait", wait.ToString("g")), ("error", e.GetType().Name));
                await Task.Delay(wait, ct);
                delay *= 1.5;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await store.DisposeAsync();
                throw new CliException($"error connecting to database ({config.Database.Dialect}): {e.Message}");
            }
        }
    }

    public static ServerSettings SettingsFrom(OffenConfig config, string? demoAccount = null) => new()
    {
        ReverseProxy = config.Server.ReverseProxy,
        Development = config.App.Development,
        Locale = config.App.Locale,
        RootAccount = string.IsNullOrEmpty(config.App.RootAccount) ? null : config.App.RootAccount,
        DemoAccount = demoAccount,
        RetentionToken = config.App.Retention,
        Retention = config.App.RetentionPeriod,
        Secret = config.Secret,
        SmtpSender = config.Smtp.Sender,
        Revision = Commands.Revision,
        ArgonNumCpu = config.ArgonNumCpuOverride ?? Environment.ProcessorCount,
    };

    public static IMailer MailerFrom(OffenConfig config) =>
        MailerFactory.Create(config.App.Development, config.Smtp.Host, config.Smtp.Port, config.Smtp.User, config.Smtp.Password,
            config.Smtp.AuthType, () => SendmailMailer.Find(Environment.GetEnvironmentVariable("PATH")), Console.Out);

    public static LogLevel LogLevelOf(string level) => level switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Information,
        "warn" or "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        _ => LogLevel.Critical,
    };

    /// <summary>Runs the app until SIGINT/SIGTERM, then shuts down gracefully within 5 s (server.md §7).</summary>
    public static async Task<int> RunUntilStoppedAsync(WebApplication app, bool started = false)
    {
        try
        {
            if (!started) await app.StartAsync();
        }
        catch (IOException e)
        {
            throw new CliException($"error binding server: {e.Message}");
        }
        SystemdNotify.Send("READY=1");
        using var stop = new CancellationTokenSource();
        using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
        SystemdNotify.Send("STOPPING=1");
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(grace.Token);
        await app.DisposeAsync();
        return 0;
    }

    /// <summary>A logger for components built before the web host (stderr, at the configured level).</summary>
    public static ILogger LoggerFor<T>(OffenConfig config) =>
        LoggerFactory.Create(b =>
        {
            b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevelOf(config.App.LogLevel));
            b.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }).CreateLogger<T>();
}
