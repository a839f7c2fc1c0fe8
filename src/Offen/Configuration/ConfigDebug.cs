using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Offen.Configuration;

/// <summary>
/// The output of <c>offen debug</c> (server.md §9.4): the resolved configuration as indented JSON. Unlike upstream,
/// which prints the SMTP password and the secret in clear and the log level as a number, secrets are masked (D10):
/// the SMTP password, the secret and the password inside the database connection string are shown as
/// <see cref="Mask"/> when set and "" when not; the log level is its name.
/// </summary>
public static partial class ConfigDebug
{
    public const string Mask = "********";

    public static string ToJson(OffenConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("EnvFile", config.EnvFilePath);

            w.WriteStartObject("Server");
            w.WriteNumber("Port", config.Server.Port);
            w.WriteString("Host", config.Server.Host?.ToString() ?? "");
            w.WriteBoolean("ReverseProxy", config.Server.ReverseProxy);
            w.WriteString("SSLCertificate", config.Server.SslCertificate ?? "");
            w.WriteString("SSLKey", config.Server.SslKey ?? "");
            w.WriteStartArray("AutoTLS");
            foreach (var host in config.Server.AutoTls)
            {
                w.WriteStringValue(host);
            }

            w.WriteEndArray();
            w.WriteString("LetsEncryptEmail", config.Server.LetsEncryptEmail ?? "");
            w.WriteString("CertificateCache", config.Server.CertificateCache);
            w.WriteString("ACMEDirectory", config.Server.AcmeDirectory);
            w.WriteEndObject();

            w.WriteStartObject("Database");
            w.WriteString("Dialect", config.Database.Dialect);
            w.WriteString("ConnectionString", MaskConnectionString(config.Database.ConnectionString));
            w.WriteNumber("ConnectionRetries", config.Database.ConnectionRetries);
            w.WriteEndObject();

            w.WriteStartObject("App");
            w.WriteBoolean("Development", config.App.Development);
            w.WriteString("LogLevel", config.App.LogLevel);
            w.WriteBoolean("SingleNode", config.App.SingleNode);
            w.WriteString("Locale", config.App.Locale);
            w.WriteString("RootAccount", config.App.RootAccount ?? "");
            w.WriteString("DeployTarget", config.App.DeployTarget ?? "");
            w.WriteString("Retention", config.App.Retention);
            w.WriteEndObject();

            w.WriteString("Secret", config.SecretWasGenerated ? "" : Mask);
            w.WriteBoolean("SecretWasGenerated", config.SecretWasGenerated);

            w.WriteStartObject("SMTP");
            w.WriteString("User", config.Smtp.User ?? "");
            w.WriteString("Password", config.Smtp.Password is null ? "" : Mask);
            w.WriteString("Host", config.Smtp.Host ?? "");
            w.WriteNumber("Port", config.Smtp.Port);
            w.WriteString("AuthType", config.Smtp.AuthType);
            w.WriteString("Sender", config.Smtp.Sender);
            w.WriteEndObject();

            if (config.ArgonNumCpuOverride is { } cpus)
            {
                w.WriteNumber("ArgonNumCpuOverride", cpus);
            }
            else
            {
                w.WriteNull("ArgonNumCpuOverride");
            }

            w.WriteStartArray("UnknownVariables");
            foreach (var name in config.UnknownVariables)
            {
                w.WriteStringValue(name);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// Replaces the password in a connection string with <see cref="Mask"/>: the user info of a URL
    /// (<c>postgres://user:pw@host/db</c>), a Go MySQL DSN (<c>user:pw@tcp(host)/db</c>) and
    /// <c>Password=</c>/<c>Pwd=</c> in an ADO.NET string. Anything else (a SQLite path) is returned unchanged.
    /// </summary>
    public static string MaskConnectionString(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var scheme = connectionString.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0 && UrlScheme().IsMatch(connectionString[..scheme]))
        {
            var start = scheme + 3;
            var end = connectionString.IndexOfAny(['/', '?', '#'], start);
            var authority = end < 0 ? connectionString[start..] : connectionString[start..end];
            var at = authority.LastIndexOf('@');
            var colon = at < 0 ? -1 : authority.IndexOf(':', 0, at);
            if (colon < 0)
            {
                return connectionString;
            }

            return string.Concat(connectionString.AsSpan(0, start + colon + 1), Mask, connectionString.AsSpan(start + at));
        }

        var dsn = GoMySqlDsn().Match(connectionString);
        if (dsn.Success)
        {
            return string.Concat(dsn.Groups["user"].Value, ":", Mask, connectionString[dsn.Groups["rest"].Index..]);
        }

        return AdoPassword().Replace(connectionString, m => m.Groups["key"].Value + Mask);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex UrlScheme();

    // user:password@tcp(host:port)/db, user:password@unix(/path)/db, user:password@/db; the last '@' before the
    // address wins because the password may contain '@'.
    [GeneratedRegex(@"^(?<user>[^:@/()]*):(?<password>.*)(?<rest>@(?:[A-Za-z0-9]+\(|/))", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex GoMySqlDsn();

    [GeneratedRegex(@"(?<key>(?:^|;)\s*(?:password|pwd)\s*=\s*)(?:""[^""]*""|'[^']*'|[^;]*)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex AdoPassword();
}
