using System.Collections;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Offen.Configuration;

/// <summary>
/// Resolves <see cref="OffenConfig"/> from an env file and the environment exactly as server.md §4.1 describes.
/// <see cref="Load"/> does not read the process environment itself: the caller passes it in, so tests stay pure.
/// </summary>
public static partial class ConfigLoader
{
    public const string EnvFileName = "offen.env";
    public const string DefaultSystemConfigDirectory = "/etc/offen";
    public const string DefaultAcmeDirectory = "https://acme-v02.api.letsencrypt.org/directory";
    public const int DefaultPort = 3000;
    public const string DefaultCertificateCacheUnix = "/var/www/.cache";
    public const string DefaultCertificateCacheWindows = @"%AppData%\offen\.cache";
    public const string DefaultConnectionStringUnix = "/var/opt/offen/offen.db";
    public const string DefaultConnectionStringWindows = @"%Temp%\offen.db";
    public const int DefaultSmtpPort = 587;
    public const string DefaultSmtpSender = "no-reply@offen.dev";

    public static IReadOnlyList<string> Dialects { get; } = ["sqlite3", "postgres", "mysql"];
    public static IReadOnlyList<string> Locales { get; } = ["en", "de", "fr", "es", "pt", "vi"];
    public static IReadOnlyList<string> SmtpAuthTypes { get; } = ["LOGIN", "PLAIN", "CRAM-MD5", "NOAUTH"];

    /// <summary>The logrus level names (matched case-insensitively); warn and warning are the same level.</summary>
    public static IReadOnlyList<string> LogLevels { get; } = ["trace", "debug", "info", "warn", "warning", "error", "fatal", "panic"];

    /// <summary>server.md §4.2 OFFEN_APP_RETENTION: 6months is 24 h × 6 × 31 = 4464 h.</summary>
    public static IReadOnlyDictionary<string, TimeSpan> Retentions { get; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal)
    {
        ["6months"] = TimeSpan.FromHours(24 * 6 * 31),
        ["12weeks"] = TimeSpan.FromDays(7 * 12),
        ["6weeks"] = TimeSpan.FromDays(7 * 6),
        ["30days"] = TimeSpan.FromDays(30),
        ["7days"] = TimeSpan.FromDays(7),
    };

    /// <summary>
    /// Finds the env file (server.md §4.1), merges it under the environment (the real environment wins) and resolves
    /// every key.
    /// </summary>
    /// <param name="envFilePath">The <c>-envfile</c> flag; it must exist. Null or empty searches the cascade.</param>
    /// <param name="processEnvironment">The real environment.</param>
    /// <param name="currentDirectory">Base for <c>$CWD/offen.env</c> and for relative paths.</param>
    /// <param name="home"><c>$HOME</c>, or null.</param>
    /// <param name="xdgConfigHome"><c>$XDG_CONFIG_HOME</c>, or null.</param>
    /// <param name="isWindows">Windows searches only <c>$CWD/offen.env</c>, has other defaults and expands <c>%VAR%</c>.</param>
    /// <param name="systemConfigDirectory">Where the last cascade step looks; tests point it at a temp directory.</param>
    /// <exception cref="ConfigException">Any configuration error.</exception>
    public static OffenConfig Load(
        string? envFilePath,
        IReadOnlyDictionary<string, string> processEnvironment,
        string currentDirectory,
        string? home,
        string? xdgConfigHome,
        bool isWindows = false,
        string systemConfigDirectory = DefaultSystemConfigDirectory)
    {
        ArgumentNullException.ThrowIfNull(processEnvironment);
        ArgumentNullException.ThrowIfNull(currentDirectory);
        var file = FindEnvFile(envFilePath, currentDirectory, home, xdgConfigHome, isWindows, systemConfigDirectory);
        var variables = MergeEnvironment(file, processEnvironment, isWindows);
        return FromVariables(variables, currentDirectory, isWindows, file);
    }

    /// <summary>Reads the real process environment, current directory, <c>$HOME</c> and <c>$XDG_CONFIG_HOME</c> and
    /// calls <see cref="Load"/>.</summary>
    public static OffenConfig FromProcess(string? envFilePath)
    {
        var isWindows = OperatingSystem.IsWindows();
        var environment = ReadProcessEnvironment();
        environment.TryGetValue("HOME", out var home);
        environment.TryGetValue("XDG_CONFIG_HOME", out var xdg);
        return Load(envFilePath, environment, Directory.GetCurrentDirectory(), home, xdg, isWindows);
    }

    /// <summary>A copy of the real process environment (case-insensitive names on Windows).</summary>
    public static Dictionary<string, string> ReadProcessEnvironment()
    {
        var result = new Dictionary<string, string>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key)
            {
                result[key] = entry.Value as string ?? "";
            }
        }

        return result;
    }

    /// <summary>
    /// The env file to use (absolute path), or null when there is none: <paramref name="envFilePath"/> if given (it
    /// must exist), else the first existing of <c>$CWD/offen.env</c>, <c>$HOME/.config/offen.env</c>,
    /// <c>$XDG_CONFIG_HOME/offen.env</c>, <c>/etc/offen/offen.env</c> (Windows: only the first).
    /// </summary>
    /// <exception cref="ConfigException">The given <paramref name="envFilePath"/> does not exist.</exception>
    public static string? FindEnvFile(
        string? envFilePath,
        string currentDirectory,
        string? home,
        string? xdgConfigHome,
        bool isWindows = false,
        string systemConfigDirectory = DefaultSystemConfigDirectory)
    {
        if (!string.IsNullOrEmpty(envFilePath))
        {
            var full = Path.GetFullPath(envFilePath, currentDirectory);
            if (!File.Exists(full))
            {
                throw new ConfigException($"-envfile: {Quote(full)} does not exist or is not a file", "-envfile");
            }

            return full;
        }

        return CascadeCandidates(currentDirectory, home, xdgConfigHome, isWindows, systemConfigDirectory).FirstOrDefault(File.Exists);
    }

    /// <summary>The env-file cascade in search order (server.md §4.1).</summary>
    public static IReadOnlyList<string> CascadeCandidates(
        string currentDirectory,
        string? home,
        string? xdgConfigHome,
        bool isWindows = false,
        string systemConfigDirectory = DefaultSystemConfigDirectory)
    {
        var result = new List<string> { Path.Combine(currentDirectory, EnvFileName) };
        if (isWindows)
        {
            return result;
        }

        if (!string.IsNullOrEmpty(home))
        {
            result.Add(Path.Combine(home, ".config", EnvFileName));
        }

        if (!string.IsNullOrEmpty(xdgConfigHome))
        {
            result.Add(Path.Combine(xdgConfigHome, EnvFileName));
        }

        result.Add(Path.Combine(systemConfigDirectory, EnvFileName));
        return result;
    }

    /// <summary>
    /// The variables the configuration is read from: the env file's values (expanded as godotenv does) overlaid with
    /// the real environment, which always wins, even when a variable is set to "".
    /// </summary>
    /// <exception cref="ConfigException">The env file cannot be read or is malformed (the message has the line, never
    /// the value).</exception>
    public static IReadOnlyDictionary<string, string> MergeEnvironment(string? envFilePath, IReadOnlyDictionary<string, string> processEnvironment, bool isWindows = false)
    {
        ArgumentNullException.ThrowIfNull(processEnvironment);
        var merged = new Dictionary<string, string>(isWindows ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        if (envFilePath is not null)
        {
            foreach (var (key, value) in ReadEnvFile(envFilePath, name => processEnvironment.TryGetValue(name, out var v) ? v : null))
            {
                merged[key] = value;
            }
        }

        foreach (var (key, value) in processEnvironment)
        {
            merged[key] = value;
        }

        return merged;
    }

    /// <summary>Reads and parses an env file.</summary>
    /// <exception cref="ConfigException">It cannot be read or is malformed.</exception>
    public static IReadOnlyDictionary<string, string> ReadEnvFile(string path, Func<string, string?> outerLookup)
    {
        string content;
        try
        {
            content = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"env file {Quote(path)}: cannot be read: {OneLine(e.Message)}", e);
        }

        try
        {
            return DotEnv.Parse(content, outerLookup);
        }
        catch (FormatException e)
        {
            throw new ConfigException($"env file {Quote(path)}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Resolves every key from already merged <paramref name="variables"/> (no env-file lookup), applying defaults,
    /// <c>_FILE</c>, validation, Heroku overrides and EnvString expansion. Useful for tests and hosts that build the
    /// environment themselves.
    /// </summary>
    /// <exception cref="ConfigException">Any configuration error.</exception>
    public static OffenConfig FromVariables(
        IReadOnlyDictionary<string, string> variables,
        string currentDirectory,
        bool isWindows = false,
        string? envFilePath = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(currentDirectory);
        var r = new Reader(variables, currentDirectory);

        // server.md §4.2, in table order.
        var port = r.Port(ConfigKeys.ServerPort, DefaultPort, minimum: 0);
        var host = r.IpAddress(ConfigKeys.ServerHost);
        var reverseProxy = r.Bool(ConfigKeys.ServerReverseProxy, false);
        var sslCertificateRaw = r.String(ConfigKeys.ServerSslCertificate);
        var sslKeyRaw = r.String(ConfigKeys.ServerSslKey);
        var autoTls = r.List(ConfigKeys.ServerAutoTls);
        var letsEncryptEmail = NullIfEmpty(r.String(ConfigKeys.ServerLetsEncryptEmail));
        var certificateCacheRaw = r.String(ConfigKeys.ServerCertificateCache)
            ?? (isWindows ? DefaultCertificateCacheWindows : DefaultCertificateCacheUnix);
        var acmeDirectory = r.AbsoluteHttpUrl(ConfigKeys.ServerAcmeDirectory, DefaultAcmeDirectory);

        var dialect = r.Enum(ConfigKeys.DatabaseDialect, "sqlite3", Dialects, ignoreCase: false);
        var connectionStringRaw = r.String(ConfigKeys.DatabaseConnectionString)
            ?? (isWindows ? DefaultConnectionStringWindows : DefaultConnectionStringUnix);
        var connectionRetries = r.NonNegativeInt(ConfigKeys.DatabaseConnectionRetries, 0);

        var development = r.Bool(ConfigKeys.AppDevelopment, false);
        var logLevel = r.Enum(ConfigKeys.AppLogLevel, "info", LogLevels, ignoreCase: true);
        logLevel = logLevel == "warn" ? "warning" : logLevel;
        var singleNode = r.Bool(ConfigKeys.AppSingleNode, true);
        var locale = r.Enum(ConfigKeys.AppLocale, "en", Locales, ignoreCase: false);
        var rootAccount = r.AccountId(ConfigKeys.AppRootAccount);
        var deployTarget = r.OptionalEnum(ConfigKeys.AppDeployTarget, ["heroku"]);
        var retention = r.Enum(ConfigKeys.AppRetention, "6months", [.. Retentions.Keys], ignoreCase: false);

        var secret = r.Base64(ConfigKeys.Secret);

        var smtpHost = NullIfEmpty(r.String(ConfigKeys.SmtpHost));
        var smtpPort = r.Port(ConfigKeys.SmtpPort, DefaultSmtpPort, minimum: 1);
        var smtpUser = NullIfEmpty(r.String(ConfigKeys.SmtpUser));
        var smtpPassword = NullIfEmpty(r.String(ConfigKeys.SmtpPassword));
        // D10: an unknown auth type is reported at startup instead of when the first mail is sent.
        var smtpAuthType = r.Enum(ConfigKeys.SmtpAuthType, "LOGIN", SmtpAuthTypes, ignoreCase: true).ToUpperInvariant();
        var smtpSender = r.String(ConfigKeys.SmtpSender) ?? DefaultSmtpSender;

        var argonOverride = ArgonOverride(variables);

        // server.md §4.2 "Other environment input": Heroku's unprefixed variables win over the OFFEN_* ones.
        if (deployTarget == "heroku")
        {
            var databaseUrl = r.String(ConfigKeys.HerokuDatabaseUrl);
            if (!string.IsNullOrEmpty(databaseUrl))
            {
                connectionStringRaw = databaseUrl;
            }

            var herokuPort = r.Port(ConfigKeys.HerokuPort, 0, minimum: 0);
            if (herokuPort != 0)
            {
                port = herokuPort;
            }

            // APP_SECRET is taken as raw bytes, not base64 (server.md §11.38).
            var appSecret = r.String(ConfigKeys.HerokuAppSecret);
            if (!string.IsNullOrEmpty(appSecret))
            {
                secret = Encoding.UTF8.GetBytes(appSecret);
            }
        }

        // EnvString fields are expanded with the merged environment (server.md §4.1).
        string Expand(string value) => isWindows
            ? EnvExpansion.ExpandWindows(value, name => variables.TryGetValue(name, out var v) ? v : null)
            : EnvExpansion.ExpandUnix(value, name => variables.TryGetValue(name, out var v) ? v : null);

        var sslCertificate = NullIfEmpty(sslCertificateRaw is null ? null : Expand(sslCertificateRaw));
        var sslKey = NullIfEmpty(sslKeyRaw is null ? null : Expand(sslKeyRaw));
        var certificateCache = Expand(certificateCacheRaw);
        var connectionString = Expand(connectionStringRaw);

        if (sslCertificate is not null && sslKey is null)
        {
            throw new ConfigException(
                $"{ConfigKeys.ServerSslCertificate} is set but {ConfigKeys.ServerSslKey} is not; set both to serve TLS with your own certificate, or neither",
                ConfigKeys.ServerSslKey);
        }

        if (sslKey is not null && sslCertificate is null)
        {
            throw new ConfigException(
                $"{ConfigKeys.ServerSslKey} is set but {ConfigKeys.ServerSslCertificate} is not; set both to serve TLS with your own certificate, or neither",
                ConfigKeys.ServerSslCertificate);
        }

        if (connectionString.Length == 0)
        {
            throw new ConfigException(
                $"{ConfigKeys.DatabaseConnectionString}: is empty; expected a SQLite file path or a database URL/DSN",
                ConfigKeys.DatabaseConnectionString);
        }

        if (autoTls.Count > 0 && sslCertificate is null && certificateCache.Length == 0)
        {
            throw new ConfigException(
                $"{ConfigKeys.ServerCertificateCache}: is empty; {ConfigKeys.ServerAutoTls} needs a directory to keep certificates in",
                ConfigKeys.ServerCertificateCache);
        }

        var generated = secret is null;
        secret ??= RandomNumberGenerator.GetBytes(16);

        return new OffenConfig(
            new ServerConfig(port, reverseProxy, sslCertificate, sslKey, autoTls, letsEncryptEmail, certificateCache, acmeDirectory) { Host = host },
            new DatabaseConfig(dialect, connectionString, connectionRetries),
            new AppConfig(development, logLevel, singleNode, locale, rootAccount, deployTarget, retention, Retentions[retention]),
            secret,
            generated,
            new SmtpConfig(smtpHost, smtpPort, smtpUser, smtpPassword, smtpAuthType, smtpSender),
            argonOverride,
            envFilePath,
            UnknownVariables(variables));
    }

    /// <summary>OFFEN_* names that are set but not configuration variables (nor their <c>_FILE</c> forms).</summary>
    public static IReadOnlyList<string> UnknownVariables(IReadOnlyDictionary<string, string> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ConfigKeys.AppDemoAccount };
        foreach (var key in ConfigKeys.All)
        {
            known.Add(key);
            if (key != ConfigKeys.ArgonNumCpuOverride)
            {
                known.Add(key + ConfigKeys.FileSuffix);
            }
        }

        return variables.Keys
            .Where(k => k.StartsWith("OFFEN_", StringComparison.OrdinalIgnoreCase) && !known.Contains(k))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    // server.md §4.2: a real env var, read directly (no _FILE); upstream parses it as a base-10 int8.
    private static int? ArgonOverride(IReadOnlyDictionary<string, string> variables)
    {
        if (!variables.TryGetValue(ConfigKeys.ArgonNumCpuOverride, out var raw) || raw.Length == 0)
        {
            return null;
        }

        if (!int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n < 1 || n > 127)
        {
            throw new ConfigException(
                $"{ConfigKeys.ArgonNumCpuOverride}: {Quote(raw)} is not a CPU count from 1 to 127 (the CPU count of the host the old hashes were made on)",
                ConfigKeys.ArgonNumCpuOverride);
        }

        return n;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>A value for an error message: quoted, escaped to one line and shortened. Never used for secrets.</summary>
    internal static string Quote(string value)
    {
        const int max = 64;
        var sb = new StringBuilder("\"");
        var count = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            if (count++ == max)
            {
                sb.Append('…');
                break;
            }

            switch (rune.Value)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append(@"\\"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                default:
                    if (Rune.IsControl(rune) || rune.Value == 0xFEFF)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}");
                    }
                    else
                    {
                        sb.Append(rune.ToString());
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    private static string OneLine(string s) => NewLines().Replace(s, " ").Trim();

    [GeneratedRegex(@"[\r\n]+")]
    private static partial Regex NewLines();

    [GeneratedRegex("^[A-Za-z0-9+/]*={0,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex StandardBase64();

    /// <summary>Reads one variable with envconfig's rules (server.md §4.1) and turns each failure into a one-line
    /// <see cref="ConfigException"/>.</summary>
    private sealed class Reader(IReadOnlyDictionary<string, string> variables, string currentDirectory)
    {
        /// <summary>The raw value, or null when the variable is absent. <c>KEY_FILE</c> gives the file's contents
        /// verbatim; both set is an error.</summary>
        private string? Raw(string key, out string label)
        {
            label = key;
            var fileKey = key + ConfigKeys.FileSuffix;
            var hasValue = variables.TryGetValue(key, out var value);
            var hasFile = variables.TryGetValue(fileKey, out var path);
            if (hasValue && hasFile)
            {
                throw new ConfigException($"{key} and {fileKey} are both set; set only one of them", key);
            }

            if (!hasFile)
            {
                return hasValue ? value : null;
            }

            label = $"{key} (read from {fileKey})";
            if (string.IsNullOrEmpty(path))
            {
                throw new ConfigException($"{fileKey}: is set but empty; expected the path of a file holding the value of {key}", fileKey);
            }

            var full = Path.GetFullPath(path, currentDirectory);
            try
            {
                // Verbatim: no trimming, no BOM handling (server.md §11.38).
                return new UTF8Encoding(false).GetString(File.ReadAllBytes(full));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigException($"{fileKey}: cannot read {Quote(full)}: {OneLine(e.Message)}", fileKey);
            }
        }

        public string? String(string key) => Raw(key, out _);

        public bool Bool(string key, bool fallback)
        {
            var raw = Raw(key, out var label);
            if (raw is null)
            {
                return fallback;
            }

            if (raw.Length == 0)
            {
                throw new ConfigException($"{label}: is set but empty; expected true or false", key);
            }

            return GoStrconv.TryParseBool(raw, out var b)
                ? b
                : throw new ConfigException($"{label}: {Quote(raw)} is not a boolean; expected true or false (or 1, 0, t, f)", key);
        }

        private long Int(string key, long fallback, string expectation, out string label)
        {
            var raw = Raw(key, out label);
            if (raw is null)
            {
                return fallback;
            }

            if (raw.Length == 0)
            {
                throw new ConfigException($"{label}: is set but empty; expected {expectation}", key);
            }

            return GoStrconv.TryParseInt64(raw, out var n)
                ? n
                : throw new ConfigException($"{label}: {Quote(raw)} is not an integer; expected {expectation}", key);
        }

        public int Port(string key, int fallback, int minimum)
        {
            var expectation = $"a port number from {minimum} to 65535";
            var n = Int(key, fallback, expectation, out var label);
            return n >= minimum && n <= 65535
                ? (int)n
                : throw new ConfigException($"{label}: {n.ToString(CultureInfo.InvariantCulture)} is out of range; expected {expectation}", key);
        }

        public int NonNegativeInt(string key, int fallback)
        {
            var n = Int(key, fallback, "0 or a positive integer", out var label);
            return n is >= 0 and <= int.MaxValue
                ? (int)n
                : throw new ConfigException($"{label}: {n.ToString(CultureInfo.InvariantCulture)} is out of range; expected 0 or a positive integer", key);
        }

        public string Enum(string key, string fallback, IReadOnlyList<string> allowed, bool ignoreCase)
        {
            var raw = Raw(key, out var label);
            if (raw is null)
            {
                return fallback;
            }

            var list = string.Join(", ", allowed);
            if (raw.Length == 0)
            {
                throw new ConfigException($"{label}: is set but empty; expected one of {list}", key);
            }

            var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            var match = allowed.FirstOrDefault(a => string.Equals(a, raw, comparison));
            return match ?? throw new ConfigException($"{label}: {Quote(raw)} is not one of {list}", key);
        }

        public string? OptionalEnum(string key, IReadOnlyList<string> allowed)
        {
            var raw = Raw(key, out var label);
            if (raw is null)
            {
                return null;
            }

            var list = string.Join(", ", allowed);
            if (raw.Length == 0)
            {
                throw new ConfigException($"{label}: is set but empty; expected {list}, or leave it unset", key);
            }

            return allowed.FirstOrDefault(a => a == raw)
                ?? throw new ConfigException($"{label}: {Quote(raw)} is not supported; expected {list}, or leave it unset", key);
        }

        public IReadOnlyList<string> List(string key)
        {
            var raw = Raw(key, out _);
            // envconfig: an empty or blank value is an empty list; otherwise split on ',' with no trimming (§11.38).
            return string.IsNullOrWhiteSpace(raw) ? [] : raw.Split(',');
        }

        /// <summary>An IPv4 or IPv6 address literal; null (all interfaces) when unset or empty.</summary>
        public System.Net.IPAddress? IpAddress(string key)
        {
            var raw = Raw(key, out var label);
            if (string.IsNullOrEmpty(raw)) return null;
            return System.Net.IPAddress.TryParse(raw.Trim('[', ']'), out var address)
                ? address
                : throw new ConfigException($"{label}: {Quote(raw)} is not an IP address (use e.g. 127.0.0.1 or ::1; leave it unset for all interfaces)", key);
        }

        public string AbsoluteHttpUrl(string key, string fallback)
        {
            var raw = Raw(key, out var label);
            if (raw is null)
            {
                return fallback;
            }

            return Uri.TryCreate(raw, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                ? raw
                : throw new ConfigException($"{label}: {Quote(raw)} is not an absolute http(s) URL of an ACME directory", key);
        }

        public string? AccountId(string key)
        {
            var raw = Raw(key, out var label);
            if (string.IsNullOrEmpty(raw))
            {
                return null;
            }

            return Guid.TryParseExact(raw, "D", out _)
                ? raw
                : throw new ConfigException($"{label}: {Quote(raw)} is not an account id; expected a UUID such as 9b63c4d8-65c0-438c-9d30-cc4b01173393", key);
        }

        /// <summary>Standard base64 with padding, like Go's StdEncoding (which skips \r and \n). Empty counts as
        /// unset. The value is never echoed.</summary>
        public byte[]? Base64(string key)
        {
            var raw = Raw(key, out var label);
            if (string.IsNullOrEmpty(raw))
            {
                return null;
            }

            var compact = raw.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
            var buffer = new byte[compact.Length];
            if (compact.Length % 4 != 0
                || !StandardBase64().IsMatch(compact)
                || !Convert.TryFromBase64String(compact, buffer, out var written))
            {
                throw new ConfigException(
                    $"{label}: is not valid standard base64 (with padding); create a value with \"offen secret\"", key);
            }

            // Zero bytes cannot key an HMAC: treat it like an unset secret.
            return written == 0 ? null : buffer[..written];
        }
    }
}
