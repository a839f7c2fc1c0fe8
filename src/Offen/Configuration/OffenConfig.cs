namespace Offen.Configuration;

/// <summary>
/// The resolved configuration (server.md §4.2), built once by <see cref="ConfigLoader"/> and passed explicitly to
/// whatever needs it. Everything is validated; EnvString values are already expanded.
/// </summary>
/// <param name="Server">OFFEN_SERVER_*.</param>
/// <param name="Database">OFFEN_DATABASE_*.</param>
/// <param name="App">OFFEN_APP_*.</param>
/// <param name="Secret">OFFEN_SECRET decoded (or Heroku's APP_SECRET bytes); 16 random bytes when unset.</param>
/// <param name="SecretWasGenerated">True when <paramref name="Secret"/> is random for this process, so sessions and
/// emailed links do not survive a restart (server.md §4.2).</param>
/// <param name="Smtp">OFFEN_SMTP_*.</param>
/// <param name="ArgonNumCpuOverride">OFFEN_ARGONNUMCPUOVERRIDE, used only to check deprecated algo-2 hashes (D11).</param>
/// <param name="EnvFilePath">The env file that was read (absolute), or null when none was found.</param>
/// <param name="UnknownVariables">OFFEN_* variables that are set but mean nothing (typos, retired keys), sorted; the
/// CLI warns about them.</param>
public sealed record OffenConfig(
    ServerConfig Server,
    DatabaseConfig Database,
    AppConfig App,
    byte[] Secret,
    bool SecretWasGenerated,
    SmtpConfig Smtp,
    int? ArgonNumCpuOverride,
    string? EnvFilePath,
    IReadOnlyList<string> UnknownVariables);

/// <summary>OFFEN_SERVER_* (server.md §4.2, §7).</summary>
public sealed record ServerConfig(
    int Port,
    bool ReverseProxy,
    string? SslCertificate,
    string? SslKey,
    IReadOnlyList<string> AutoTls,
    string? LetsEncryptEmail,
    string CertificateCache,
    string AcmeDirectory)
{
    /// <summary>Not in upstream: the address to listen on; null means all interfaces (upstream's only behaviour).</summary>
    public System.Net.IPAddress? Host { get; init; }

    /// <summary>server.md §7 rule 1: serve TLS with the given PEM pair (wins over AutoTLS).</summary>
    public bool UsesCertificateFiles => SslCertificate is not null && SslKey is not null;

    /// <summary>server.md §7 rule 2: Let's Encrypt for <see cref="AutoTls"/>.</summary>
    public bool UsesAutoTls => !UsesCertificateFiles && AutoTls.Count > 0;
}

/// <summary>OFFEN_DATABASE_* (server.md §4.2).</summary>
/// <param name="Dialect"><c>sqlite3</c>, <c>postgres</c> or <c>mysql</c>.</param>
/// <param name="ConnectionString">Expanded; a SQLite path, a URL/DSN or an ADO.NET connection string.</param>
/// <param name="ConnectionRetries">Extra connection attempts at start (0 or more).</param>
public sealed record DatabaseConfig(string Dialect, string ConnectionString, int ConnectionRetries);

/// <summary>OFFEN_APP_* (server.md §4.2).</summary>
/// <param name="Development">Development mode.</param>
/// <param name="LogLevel">Normalized logrus name: trace, debug, info, warning, error, fatal or panic.</param>
/// <param name="SingleNode">Migrate at start and run the hourly expiry.</param>
/// <param name="Locale">en, de, fr, es, pt or vi.</param>
/// <param name="RootAccount">An account UUID, or null.</param>
/// <param name="DeployTarget"><c>heroku</c>, or null.</param>
/// <param name="Retention">The token (6months, 12weeks, 6weeks, 30days, 7days), returned as <c>retentionPeriod</c>.</param>
/// <param name="RetentionPeriod">The duration of <paramref name="Retention"/>.</param>
public sealed record AppConfig(
    bool Development,
    string LogLevel,
    bool SingleNode,
    string Locale,
    string? RootAccount,
    string? DeployTarget,
    string Retention,
    TimeSpan RetentionPeriod)
{
    /// <summary><see cref="LogLevel"/> as a Microsoft.Extensions.Logging level (fatal and panic are Critical).</summary>
    public Microsoft.Extensions.Logging.LogLevel MinimumLogLevel => LogLevel switch
    {
        "trace" => Microsoft.Extensions.Logging.LogLevel.Trace,
        "debug" => Microsoft.Extensions.Logging.LogLevel.Debug,
        "info" => Microsoft.Extensions.Logging.LogLevel.Information,
        "warning" => Microsoft.Extensions.Logging.LogLevel.Warning,
        "error" => Microsoft.Extensions.Logging.LogLevel.Error,
        _ => Microsoft.Extensions.Logging.LogLevel.Critical,
    };
}

/// <summary>OFFEN_SMTP_* (server.md §4.2, §8).</summary>
/// <param name="Host">SMTP is used iff this is set (null when unset or empty).</param>
/// <param name="Port">Default 587.</param>
/// <param name="User">Null when unset or empty.</param>
/// <param name="Password">Null when unset or empty. Never logged; masked by <c>offen debug</c> (D10).</param>
/// <param name="AuthType">Upper case: LOGIN, PLAIN, CRAM-MD5 or NOAUTH.</param>
/// <param name="Sender">The From address.</param>
public sealed record SmtpConfig(string? Host, int Port, string? User, string? Password, string AuthType, string Sender)
{
    public bool IsConfigured => Host is not null;

    /// <summary>Keeps the password out of logs and exception messages that print the record.</summary>
    public override string ToString() =>
        $"SmtpConfig {{ Host = {Host}, Port = {Port}, User = {User}, Password = {(Password is null ? "" : ConfigDebug.Mask)}, AuthType = {AuthType}, Sender = {Sender} }}";
}
