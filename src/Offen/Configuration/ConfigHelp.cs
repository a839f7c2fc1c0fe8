namespace Offen.Configuration;

/// <summary>
/// The configuration part of <c>offen --help</c>. docs/configuration.md documents the same variables; a test keeps
/// the two in step (style.md principle 9).
/// </summary>
public static class ConfigHelp
{
    public const string Text =
        """
        Configuration (environment variables; an offen.env file is read too, see docs/configuration.md).
        Every variable X can instead be given as X_FILE=<path>: the file's contents are used as they are.

          OFFEN_SERVER_PORT                 port to listen on (default 3000; ignored with AutoTLS)
          OFFEN_SERVER_HOST                 IP address to listen on, e.g. 127.0.0.1 (default: all interfaces)
          OFFEN_SERVER_REVERSEPROXY         true behind a reverse proxy: no gzip, access log or rate limiting (default false)
          OFFEN_SERVER_SSLCERTIFICATE       PEM certificate file to serve TLS with (together with OFFEN_SERVER_SSLKEY)
          OFFEN_SERVER_SSLKEY               PEM private key file to serve TLS with (together with OFFEN_SERVER_SSLCERTIFICATE)
          OFFEN_SERVER_AUTOTLS              comma-separated host names to get Let's Encrypt certificates for (listens on 80 and 443)
          OFFEN_SERVER_LETSENCRYPTEMAIL     contact email for Let's Encrypt
          OFFEN_SERVER_CERTIFICATECACHE     directory for AutoTLS certificates (default /var/www/.cache)
          OFFEN_SERVER_ACMEDIRECTORY        ACME directory URL for AutoTLS (default Let's Encrypt production)
          OFFEN_DATABASE_DIALECT            sqlite3, postgres or mysql (default sqlite3)
          OFFEN_DATABASE_CONNECTIONSTRING   SQLite file path or database URL/DSN (default /var/opt/offen/offen.db)
          OFFEN_DATABASE_CONNECTIONRETRIES  extra attempts to connect to the database at start (default 0)
          OFFEN_APP_DEVELOPMENT             development mode: mail printed to stdout, no secure cookies (default false)
          OFFEN_APP_LOGLEVEL                trace, debug, info, warn, error, fatal or panic (default info)
          OFFEN_APP_SINGLENODE              migrate the database at start and run the hourly expiry (default true)
          OFFEN_APP_LOCALE                  en, de, fr, es, pt or vi (default en)
          OFFEN_APP_ROOTACCOUNT             account id (UUID) whose script is embedded in the auditorium
          OFFEN_APP_DEPLOYTARGET            heroku to read DATABASE_URL, PORT and APP_SECRET
          OFFEN_APP_RETENTION               6months, 12weeks, 6weeks, 30days or 7days (default 6months)
          OFFEN_SECRET                      base64 key for signing logins and links; create one with "offen secret" (default: random at each start)
          OFFEN_SMTP_HOST                   SMTP server; without it, mail goes through sendmail
          OFFEN_SMTP_PORT                   SMTP port (default 587)
          OFFEN_SMTP_USER                   SMTP user name
          OFFEN_SMTP_PASSWORD               SMTP password
          OFFEN_SMTP_AUTHTYPE               LOGIN, PLAIN, CRAM-MD5 or NOAUTH (default LOGIN)
          OFFEN_SMTP_SENDER                 From address of mail (default no-reply@offen.dev)
          OFFEN_ARGONNUMCPUOVERRIDE         CPU count of the host that made old version-2 password hashes (no _FILE form)
        """;
}
