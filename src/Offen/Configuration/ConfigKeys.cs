namespace Offen.Configuration;

/// <summary>The names of every configuration variable (server.md §4.2). <c>&lt;KEY&gt;_FILE</c> works for all of them
/// except <see cref="ArgonNumCpuOverride"/>, which upstream reads directly from the environment.</summary>
public static class ConfigKeys
{
    public const string ServerPort = "OFFEN_SERVER_PORT";
    /// <summary>Not in upstream: the address to listen on, e.g. 127.0.0.1 behind a local proxy (docs/configuration.md).</summary>
    public const string ServerHost = "OFFEN_SERVER_HOST";
    public const string ServerReverseProxy = "OFFEN_SERVER_REVERSEPROXY";
    public const string ServerSslCertificate = "OFFEN_SERVER_SSLCERTIFICATE";
    public const string ServerSslKey = "OFFEN_SERVER_SSLKEY";
    public const string ServerAutoTls = "OFFEN_SERVER_AUTOTLS";
    public const string ServerLetsEncryptEmail = "OFFEN_SERVER_LETSENCRYPTEMAIL";
    public const string ServerCertificateCache = "OFFEN_SERVER_CERTIFICATECACHE";
    /// <summary>Not in upstream: lets tests and private CAs point ACME elsewhere (docs/configuration.md).</summary>
    public const string ServerAcmeDirectory = "OFFEN_SERVER_ACMEDIRECTORY";
    public const string DatabaseDialect = "OFFEN_DATABASE_DIALECT";
    public const string DatabaseConnectionString = "OFFEN_DATABASE_CONNECTIONSTRING";
    public const string DatabaseConnectionRetries = "OFFEN_DATABASE_CONNECTIONRETRIES";
    public const string AppDevelopment = "OFFEN_APP_DEVELOPMENT";
    public const string AppLogLevel = "OFFEN_APP_LOGLEVEL";
    public const string AppSingleNode = "OFFEN_APP_SINGLENODE";
    public const string AppLocale = "OFFEN_APP_LOCALE";
    public const string AppRootAccount = "OFFEN_APP_ROOTACCOUNT";
    public const string AppDeployTarget = "OFFEN_APP_DEPLOYTARGET";
    public const string AppRetention = "OFFEN_APP_RETENTION";
    public const string Secret = "OFFEN_SECRET";
    public const string SmtpHost = "OFFEN_SMTP_HOST";
    public const string SmtpPort = "OFFEN_SMTP_PORT";
    public const string SmtpUser = "OFFEN_SMTP_USER";
    public const string SmtpPassword = "OFFEN_SMTP_PASSWORD";
    public const string SmtpAuthType = "OFFEN_SMTP_AUTHTYPE";
    public const string SmtpSender = "OFFEN_SMTP_SENDER";
    public const string ArgonNumCpuOverride = "OFFEN_ARGONNUMCPUOVERRIDE";

    /// <summary>Set internally by <c>offen demo</c>; ignored when read from the environment (server.md §4.2).</summary>
    public const string AppDemoAccount = "OFFEN_APP_DEMOACCOUNT";

    /// <summary>Heroku (<c>OFFEN_APP_DEPLOYTARGET=heroku</c>) reads these unprefixed variables.</summary>
    public const string HerokuDatabaseUrl = "DATABASE_URL";
    public const string HerokuPort = "PORT";
    public const string HerokuAppSecret = "APP_SECRET";

    /// <summary>Suffix of the variable that names a file holding the value (server.md §4.1).</summary>
    public const string FileSuffix = "_FILE";

    /// <summary>Every OFFEN_* variable the loader reads, in documentation order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ServerPort, ServerHost, ServerReverseProxy, ServerSslCertificate, ServerSslKey, ServerAutoTls, ServerLetsEncryptEmail,
        ServerCertificateCache, ServerAcmeDirectory,
        DatabaseDialect, DatabaseConnectionString, DatabaseConnectionRetries,
        AppDevelopment, AppLogLevel, AppSingleNode, AppLocale, AppRootAccount, AppDeployTarget, AppRetention,
        Secret,
        SmtpHost, SmtpPort, SmtpUser, SmtpPassword, SmtpAuthType, SmtpSender,
        ArgonNumCpuOverride,
    ];
}
